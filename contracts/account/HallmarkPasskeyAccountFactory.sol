// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {IHallmarkPasskeyAccountFactory} from "../interfaces/IHallmarkPasskeyAccountFactory.sol";
import {HallmarkPasskeyAccount} from "./HallmarkPasskeyAccount.sol";

/// @title HallmarkPasskeyAccountFactory
/// @notice Deploys each customer's passkey account as a minimal clone at a CREATE2 address derived from its
/// first passkey, and initializes it in the same call, so nobody can take over an account between the two.
/// @dev A clone costs about 45,000 gas to deploy, against over a million for a full account: the first
/// operation of a new account pays it.
contract HallmarkPasskeyAccountFactory is IHallmarkPasskeyAccountFactory {
    address private immutable _implementation;
    bytes32 private immutable _accountCodeHash;

    /// @param entryPoint_ The ERC-4337 EntryPoint (v0.8) every account made here trusts.
    constructor(IEntryPoint entryPoint_) {
        address impl = address(new HallmarkPasskeyAccount(entryPoint_));
        _implementation = impl;
        // The EIP-1167 runtime code of a clone of `impl`: the paymaster recognises our accounts by it.
        _accountCodeHash = keccak256(
            abi.encodePacked(hex"363d3d373d3d3d363d73", impl, hex"5af43d82803e903d91602b57fd5bf3")
        );
    }

    /// @inheritdoc IHallmarkPasskeyAccountFactory
    function createAccount(bytes32 qx, bytes32 qy) external returns (address account) {
        bytes32 salt = _salt(qx, qy);
        account = Clones.predictDeterministicAddress(_implementation, salt);
        if (account.code.length == 0) {
            Clones.cloneDeterministic(_implementation, salt);
            HallmarkPasskeyAccount(payable(account)).initialize(qx, qy);
            emit AccountCreated(account, qx, qy);
        }
    }

    /// @inheritdoc IHallmarkPasskeyAccountFactory
    function accountAddress(bytes32 qx, bytes32 qy) external view returns (address) {
        return Clones.predictDeterministicAddress(_implementation, _salt(qx, qy));
    }

    /// @inheritdoc IHallmarkPasskeyAccountFactory
    function implementation() external view returns (address) {
        return _implementation;
    }

    /// @inheritdoc IHallmarkPasskeyAccountFactory
    function accountCodeHash() external view returns (bytes32) {
        return _accountCodeHash;
    }

    function _salt(bytes32 qx, bytes32 qy) private pure returns (bytes32) {
        return keccak256(abi.encode(qx, qy));
    }
}
