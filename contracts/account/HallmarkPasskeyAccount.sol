// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Account} from "@openzeppelin/contracts/account/Account.sol";
import {ERC7821} from "@openzeppelin/contracts/account/extensions/draft-ERC7821.sol";
import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ERC7739} from "@openzeppelin/contracts/utils/cryptography/signers/draft-ERC7739.sol";
import {ERC721Holder} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Holder.sol";
import {ERC1155Holder} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Holder.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IHallmarkPasskeyAccount} from "../interfaces/IHallmarkPasskeyAccount.sol";
import {SignerPasskeys} from "./SignerPasskeys.sol";

/// @title HallmarkPasskeyAccount
/// @notice A customer's self-custodial ERC-4337 account, owned by the passkeys on their devices: nobody else,
/// the brand included, holds a key to it. It answers EIP-1271 through ERC-7739 (a signature made for one
/// account or application cannot be replayed on another), executes ERC-7821 batches, and receives ERC-721 and
/// ERC-1155 tokens. Deployed as a clone by HallmarkPasskeyAccountFactory.
/// @dev Who can do what: the passkeys (through the EntryPoint, or the account calling itself) execute calls,
/// add and remove passkeys, set the recoverer and cancel a recovery; the recoverer only starts a recovery,
/// which anyone completes once its delay has passed without a cancellation.
contract HallmarkPasskeyAccount is
    IHallmarkPasskeyAccount,
    Account,
    SignerPasskeys,
    EIP712,
    ERC7739,
    ERC7821,
    ERC721Holder,
    ERC1155Holder,
    Initializable
{
    /// @notice The shortest recovery delay: long enough for the owner to notice and cancel.
    uint48 public constant MIN_RECOVERY_DELAY = 2 days;

    IEntryPoint private immutable _entryPoint;

    address private _recoverer;
    uint48 private _recoveryDelay;
    uint48 private _pendingReadyAt;
    bytes32 private _pendingQx;
    bytes32 private _pendingQy;

    modifier onlyRecoverer() {
        if (msg.sender != _recoverer || msg.sender == address(0)) revert HallmarkNotRecoverer(msg.sender);
        _;
    }

    /// @param entryPoint_ The ERC-4337 EntryPoint (v0.8) the account trusts; user operations are bound to it.
    constructor(IEntryPoint entryPoint_) EIP712("Hallmark Passkey Account", "1") {
        _entryPoint = entryPoint_;
        _disableInitializers();
    }

    /// @notice Sets the account's first passkey. Called once, by the factory, in the deploying transaction.
    function initialize(bytes32 qx, bytes32 qy) external initializer {
        _addPasskey(qx, qy);
    }

    /// @inheritdoc Account
    function entryPoint() public view override returns (IEntryPoint) {
        return _entryPoint;
    }

    // ------------------------------------------------------------------------------------------ passkeys

    /// @inheritdoc IHallmarkPasskeyAccount
    function addPasskey(bytes32 qx, bytes32 qy) external onlyEntryPointOrSelf {
        _addPasskey(qx, qy);
    }

    /// @inheritdoc IHallmarkPasskeyAccount
    function removePasskey(bytes32 qx, bytes32 qy) external onlyEntryPointOrSelf {
        _removePasskey(qx, qy);
    }

    /// @inheritdoc IHallmarkPasskeyAccount
    function isPasskey(bytes32 qx, bytes32 qy) external view returns (bool) {
        return _isPasskey(qx, qy);
    }

    /// @inheritdoc IHallmarkPasskeyAccount
    function passkeyCount() external view returns (uint256) {
        return _passkeyCount();
    }

    // ------------------------------------------------------------------------------------------ recovery

    /// @inheritdoc IHallmarkPasskeyAccount
    function setRecovery(address recoverer, uint48 delay) external onlyEntryPointOrSelf {
        if (recoverer != address(0) && delay < MIN_RECOVERY_DELAY) {
            revert HallmarkRecoveryDelayTooShort(delay, MIN_RECOVERY_DELAY);
        }
        // A recovery started by the previous recoverer must not survive its replacement.
        if (_pendingReadyAt != 0) _cancelRecovery();
        _recoverer = recoverer;
        _recoveryDelay = recoverer == address(0) ? 0 : delay;
        emit RecoverySet(recoverer, _recoveryDelay);
    }

    /// @inheritdoc IHallmarkPasskeyAccount
    function startRecovery(bytes32 qx, bytes32 qy) external onlyRecoverer {
        if (_pendingReadyAt != 0) _cancelRecovery();
        uint48 readyAt = uint48(block.timestamp) + _recoveryDelay;
        _pendingQx = qx;
        _pendingQy = qy;
        _pendingReadyAt = readyAt;
        emit RecoveryStarted(msg.sender, qx, qy, readyAt);
    }

    /// @inheritdoc IHallmarkPasskeyAccount
    function cancelRecovery() external onlyEntryPointOrSelf {
        if (_pendingReadyAt == 0) revert HallmarkNoPendingRecovery();
        _cancelRecovery();
    }

    /// @inheritdoc IHallmarkPasskeyAccount
    function completeRecovery() external {
        uint48 readyAt = _pendingReadyAt;
        if (readyAt == 0) revert HallmarkNoPendingRecovery();
        if (block.timestamp < readyAt) revert HallmarkRecoveryNotReady(readyAt);
        (bytes32 qx, bytes32 qy) = (_pendingQx, _pendingQy);
        delete _pendingReadyAt;
        delete _pendingQx;
        delete _pendingQy;
        _clearPasskeys();
        _addPasskey(qx, qy);
        emit RecoveryCompleted(qx, qy);
    }

    /// @inheritdoc IHallmarkPasskeyAccount
    function recovery() external view returns (address recoverer, uint48 delay) {
        return (_recoverer, _recoveryDelay);
    }

    /// @inheritdoc IHallmarkPasskeyAccount
    function pendingRecovery() external view returns (bytes32 qx, bytes32 qy, uint48 readyAt) {
        return (_pendingQx, _pendingQy, _pendingReadyAt);
    }

    // ---------------------------------------------------------------------------------------- standards

    /// @inheritdoc ERC1155Holder
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IERC1271).interfaceId ||
            interfaceId == type(IHallmarkPasskeyAccount).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    /// @dev The EntryPoint executes validated user operations; the account may also call itself.
    function _erc7821AuthorizedExecutor(
        address caller,
        bytes32 mode,
        bytes calldata executionData
    ) internal view override returns (bool) {
        return
            caller == address(_entryPoint) || super._erc7821AuthorizedExecutor(caller, mode, executionData);
    }

    function _cancelRecovery() private {
        emit RecoveryCancelled(_pendingQx, _pendingQy);
        delete _pendingReadyAt;
        delete _pendingQx;
        delete _pendingQy;
    }
}
