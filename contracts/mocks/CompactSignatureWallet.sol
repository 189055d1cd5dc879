// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test-only EIP-1271 wallet whose signatures are 64 bytes (its owner's EIP-2098 compact form), as a
/// passkey account's P-256 r‖s is: a verifier must pass a contract's signature through whatever its length.
contract CompactSignatureWallet is IERC1271, IERC721Receiver {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function isValidSignature(bytes32 digest, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 64) return bytes4(0);
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(
            digest,
            bytes32(signature[0:32]),
            bytes32(signature[32:64])
        );
        return
            err == ECDSA.RecoverError.NoError && signer == owner
                ? IERC1271.isValidSignature.selector
                : bytes4(0);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }
}
