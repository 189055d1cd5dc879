// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IHallmarkPasskeyAccount
/// @notice An ERC-4337 account owned by one or more passkeys (WebAuthn P-256 keys), with a recovery set up in
/// advance that takes effect only after a delay during which any of the owner's passkeys can cancel it.
interface IHallmarkPasskeyAccount {
    /// @notice The P-256 point is not a valid public key.
    error HallmarkInvalidPasskey(bytes32 qx, bytes32 qy);
    /// @notice The passkey is already one of the account's.
    error HallmarkPasskeyExists(bytes32 qx, bytes32 qy);
    /// @notice The passkey is not one of the account's.
    error HallmarkUnknownPasskey(bytes32 qx, bytes32 qy);
    /// @notice The account holds the most passkeys it may hold.
    error HallmarkTooManyPasskeys(uint256 max);
    /// @notice The account's last passkey cannot be removed.
    error HallmarkLastPasskey();
    /// @notice The recovery delay is shorter than the minimum.
    error HallmarkRecoveryDelayTooShort(uint48 delay, uint48 minDelay);
    /// @notice The caller is not the account's recoverer.
    error HallmarkNotRecoverer(address caller);
    /// @notice No recovery is pending.
    error HallmarkNoPendingRecovery();
    /// @notice The pending recovery cannot complete before `readyAt`.
    error HallmarkRecoveryNotReady(uint48 readyAt);

    /// @notice A passkey was added to the account.
    event PasskeyAdded(bytes32 indexed keyHash, bytes32 qx, bytes32 qy);
    /// @notice A passkey was removed from the account.
    event PasskeyRemoved(bytes32 indexed keyHash);
    /// @notice The recoverer and delay were set (zero recoverer: recovery disabled).
    event RecoverySet(address indexed recoverer, uint48 delay);
    /// @notice The recoverer asked to replace every passkey with (qx, qy), effective at `readyAt`.
    event RecoveryStarted(address indexed recoverer, bytes32 qx, bytes32 qy, uint48 readyAt);
    /// @notice A pending recovery was cancelled by the owner (or by a change of recoverer).
    event RecoveryCancelled(bytes32 qx, bytes32 qy);
    /// @notice A recovery completed: every earlier passkey was removed and (qx, qy) is the account's passkey.
    event RecoveryCompleted(bytes32 qx, bytes32 qy);

    /// @notice Adds a passkey (a second device). The account itself only: a user operation signed by one of
    /// its passkeys.
    function addPasskey(bytes32 qx, bytes32 qy) external;

    /// @notice Removes a passkey; the last one cannot be removed. The account itself only.
    function removePasskey(bytes32 qx, bytes32 qy) external;

    /// @notice Sets who may start a recovery (a recovery address or the brand as guardian) and the delay
    /// before it takes effect; zero disables recovery. Cancels a pending recovery. The account itself only.
    function setRecovery(address recoverer, uint48 delay) external;

    /// @notice Starts replacing every passkey with (qx, qy), effective after the delay. The recoverer only.
    function startRecovery(bytes32 qx, bytes32 qy) external;

    /// @notice Cancels the pending recovery. The account itself only, so any of its passkeys.
    function cancelRecovery() external;

    /// @notice Completes a pending recovery once its delay has passed. Anyone.
    function completeRecovery() external;

    /// @notice Whether (qx, qy) is one of the account's passkeys.
    function isPasskey(bytes32 qx, bytes32 qy) external view returns (bool);

    /// @notice How many passkeys the account has.
    function passkeyCount() external view returns (uint256);

    /// @notice The recoverer (zero: none) and the recovery delay.
    function recovery() external view returns (address recoverer, uint48 delay);

    /// @notice The pending recovery's new passkey and when it may complete (readyAt zero: none pending).
    function pendingRecovery() external view returns (bytes32 qx, bytes32 qy, uint48 readyAt);
}
