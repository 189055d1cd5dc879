// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AbstractSigner} from "@openzeppelin/contracts/utils/cryptography/signers/AbstractSigner.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IHallmarkPasskeyAccount} from "../interfaces/IHallmarkPasskeyAccount.sol";
import {PackedWebAuthn} from "./PackedWebAuthn.sol";

/// @title SignerPasskeys
/// @notice A signer made of several WebAuthn passkeys (P-256), any one of which signs for the account.
/// @dev OpenZeppelin's SignerWebAuthn holds a single key; a customer's second device needs a set. The check
/// is OpenZeppelin's WebAuthn.verify step for step (user verification required, high-s refused by P256), read in
/// place from calldata by PackedWebAuthn. A
/// signature names its key, so validation reads one storage slot (is the key one of ours?) instead of the two a
/// stored key costs, and packs the assertion rather than ABI-encoding it (fewer calldata bytes, most of the
/// ABI form's being zeros): `qx ‖ qy ‖ r ‖ s ‖ uint16 authenticatorData.length ‖ authenticatorData ‖
/// clientDataSuffix`, the client data JSON without the `{"type":"webauthn.get","challenge":"…"` the library
/// rebuilds from the hash.
abstract contract SignerPasskeys is AbstractSigner {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @notice Most passkeys an account holds: recovery removes them all in one transaction.
    uint256 public constant MAX_PASSKEYS = 8;

    /// @dev keccak256(qx ‖ qy) of each passkey.
    EnumerableSet.Bytes32Set private _passkeys;

    /// @dev Whether `signature` is a WebAuthn assertion over `hash` by one of the account's passkeys, made with
    /// user verification (biometrics or PIN).
    function _rawSignatureValidation(
        bytes32 hash,
        bytes calldata signature
    ) internal view virtual override returns (bool) {
        if (signature.length < 64) return false;
        bytes32 qx = bytes32(signature[0:32]);
        bytes32 qy = bytes32(signature[32:64]);
        if (!_passkeys.contains(_keyHash(qx, qy))) return false;
        return PackedWebAuthn.verify(hash, signature[64:], qx, qy);
    }

    /// @dev Adds a passkey after checking it is a point of the curve.
    function _addPasskey(bytes32 qx, bytes32 qy) internal {
        if (!P256.isValidPublicKey(qx, qy)) revert IHallmarkPasskeyAccount.HallmarkInvalidPasskey(qx, qy);
        if (_passkeys.length() >= MAX_PASSKEYS)
            revert IHallmarkPasskeyAccount.HallmarkTooManyPasskeys(MAX_PASSKEYS);
        bytes32 keyHash = _keyHash(qx, qy);
        if (!_passkeys.add(keyHash)) revert IHallmarkPasskeyAccount.HallmarkPasskeyExists(qx, qy);
        emit IHallmarkPasskeyAccount.PasskeyAdded(keyHash, qx, qy);
    }

    /// @dev Removes a passkey; the last one stays, so the account is never left without an owner.
    function _removePasskey(bytes32 qx, bytes32 qy) internal {
        if (_passkeys.length() == 1) revert IHallmarkPasskeyAccount.HallmarkLastPasskey();
        bytes32 keyHash = _keyHash(qx, qy);
        if (!_passkeys.remove(keyHash)) revert IHallmarkPasskeyAccount.HallmarkUnknownPasskey(qx, qy);
        emit IHallmarkPasskeyAccount.PasskeyRemoved(keyHash);
    }

    /// @dev Removes every passkey (recovery, followed at once by adding the new one).
    function _clearPasskeys() internal {
        for (uint256 i = _passkeys.length(); i > 0; --i) {
            bytes32 keyHash = _passkeys.at(i - 1);
            _passkeys.remove(keyHash);
            emit IHallmarkPasskeyAccount.PasskeyRemoved(keyHash);
        }
    }

    function _isPasskey(bytes32 qx, bytes32 qy) internal view returns (bool) {
        return _passkeys.contains(_keyHash(qx, qy));
    }

    function _passkeyCount() internal view returns (uint256) {
        return _passkeys.length();
    }

    function _keyHash(bytes32 qx, bytes32 qy) private pure returns (bytes32) {
        return keccak256(abi.encode(qx, qy));
    }
}
