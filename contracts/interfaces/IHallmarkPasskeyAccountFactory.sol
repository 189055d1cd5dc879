// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IHallmarkPasskeyAccountFactory
/// @notice Deploys passkey accounts with CREATE2, so an account's address is known from its first passkey
/// before it exists (a certificate can be claimed to it, and it can sign with ERC-6492, before deployment).
interface IHallmarkPasskeyAccountFactory {
    /// @notice An account was deployed for the passkey (qx, qy).
    event AccountCreated(address indexed account, bytes32 qx, bytes32 qy);

    /// @notice Deploys the account of passkey (qx, qy), or returns it when it exists. Anyone.
    function createAccount(bytes32 qx, bytes32 qy) external returns (address account);

    /// @notice The address the account of passkey (qx, qy) has or will have.
    function accountAddress(bytes32 qx, bytes32 qy) external view returns (address);

    /// @notice The account implementation every account delegates to.
    function implementation() external view returns (address);

    /// @notice The code hash every account made by this factory has.
    function accountCodeHash() external view returns (bytes32);
}
