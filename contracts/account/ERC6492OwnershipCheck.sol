// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IHallmarkCertificate} from "../interfaces/IHallmarkCertificate.sol";

/// @title ERC6492OwnershipCheck
/// @notice Checks an ownership proof whose owner may not be deployed yet (ERC-6492), without deploying it: run
/// as the creation code of an eth_call with no `to`, its constructor deploys the wallet in the call's throwaway
/// state if needed, asks the certificate contract's own verifyOwnership, and returns one byte (1 valid, 0 not).
/// Nothing persists; the answer is the certificate contract's, for the wallet as it would be once deployed.
/// @dev The factory call is made only when the certificate's owner has no code, and its result is ignored:
/// a factory that deploys another wallet leaves the owner without code, and the proof is refused.
contract ERC6492OwnershipCheck {
    bytes32 private constant _ERC6492_MAGIC =
        0x6492649264926492649264926492649264926492649264926492649264926492;

    constructor(
        IHallmarkCertificate certificate,
        uint256 tokenId,
        bytes32 challenge,
        bytes memory signature
    ) {
        bool valid = _check(certificate, tokenId, challenge, signature);
        assembly ("memory-safe") {
            mstore(0, valid)
            return(31, 1)
        }
    }

    function _check(
        IHallmarkCertificate certificate,
        uint256 tokenId,
        bytes32 challenge,
        bytes memory signature
    ) private returns (bool) {
        uint256 length = signature.length;
        bytes32 suffix;
        assembly ("memory-safe") {
            suffix := mload(add(signature, length))
        }
        if (length >= 32 && suffix == _ERC6492_MAGIC) {
            address owner;
            try IERC721(address(certificate)).ownerOf(tokenId) returns (address current) {
                owner = current;
            } catch {
                return false;
            }
            if (owner.code.length == 0) {
                bytes memory wrapped = new bytes(length - 32);
                for (uint256 i = 0; i < length - 32; ++i) wrapped[i] = signature[i];
                (address factory, bytes memory factoryCalldata, ) = abi.decode(
                    wrapped,
                    (address, bytes, bytes)
                );
                // solhint-disable-next-line avoid-low-level-calls
                (bool deployed, ) = factory.call(factoryCalldata);
                deployed; // the owner's code, read by the certificate, says whether it worked
            }
        }
        try certificate.verifyOwnership(tokenId, challenge, signature) returns (bool valid) {
            return valid;
        } catch {
            return false;
        }
    }
}
