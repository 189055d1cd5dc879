// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IHallmarkCertificate} from "../interfaces/IHallmarkCertificate.sol";
import {ITagAttestedClaims} from "../interfaces/ITagAttestedClaims.sol";
import {BrandGated} from "../registry/BrandGated.sol";
import {BrandRoles} from "../registry/BrandRoles.sol";

/// @title TagAttestedClaims
/// @notice Claims on a tag oracle's attestation of a fresh NTAG 424 DNA tap. The tag proves itself with an
/// AES-CMAC only its brand can check, so the brand's oracle (a TAG_ORACLE key, held by its verifier) checks
/// it and signs what a signing chip would: this piece is here now, move it to this recipient.
/// @dev The owner-consent rule and its opt-in bit belong to the certificate's own storage: it provides them
/// through `_presenceClaimsAllowed` and `_setPresenceClaimsEnabled`, shared with chip claims.
abstract contract TagAttestedClaims is
    ITagAttestedClaims,
    ERC721,
    EIP712,
    ReentrancyGuardTransient,
    BrandGated
{
    bytes32 public constant TAG_CLAIM_TYPEHASH = keccak256(
        "TagClaim(uint256 tokenId,address recipient,uint256 counter,uint256 deadline)"
    );

    /// @custom:storage-location erc7201:hallmark.storage.TagAttestedClaims
    struct TagAttestedClaimsStorage {
        /// @dev Per certificate, not per tag: the tag's UID is never on chain, and a certificate has one tag.
        mapping(uint256 tokenId => uint256) lastCounters;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("hallmark.storage.TagAttestedClaims")) - 1)) & ~bytes32(uint256(0xff)):
    /// ERC-7201 namespaced storage, so that adding this extension moves none of the certificate's own slots.
    bytes32 private constant _STORAGE_SLOT =
        0x367735fa0f2d9ea489a0b484a2091a46afab8b94f7a58fd457ac807ada845800;

    /// @inheritdoc ITagAttestedClaims
    function setTagClaimsEnabled(uint256 tokenId, bool enabled) external {
        address owner = _requireOwned(tokenId);
        _checkAuthorized(owner, _msgSender(), tokenId);
        _setPresenceClaimsEnabled(tokenId, enabled);
        emit IHallmarkCertificate.ChipClaimsEnabled(tokenId, enabled);
    }

    /// @inheritdoc ITagAttestedClaims
    function claimWithTag(
        uint256 tokenId,
        address recipient,
        uint256 counter,
        uint256 deadline,
        address oracle,
        bytes calldata attestation
    ) external nonReentrant {
        if (block.timestamp > deadline) revert IHallmarkCertificate.HallmarkSignatureExpired(deadline);
        if (recipient == address(0)) revert IHallmarkCertificate.HallmarkInvalidRecipient(recipient);
        address owner = _requireOwned(tokenId);
        // As for a chip: physical presence alone must not move a certificate that its owner holds.
        if (!_presenceClaimsAllowed(tokenId, owner))
            revert IHallmarkCertificate.HallmarkChipClaimsDisabled(tokenId);
        mapping(uint256 => uint256) storage lastCounters = _storage().lastCounters;
        uint256 last = lastCounters[tokenId];
        // The tag's counter only goes up: an attestation of an earlier (or the same) tap was used or skipped.
        if (counter <= last) revert HallmarkStaleTagCounter(tokenId, counter, last);
        _checkBrandRole(uint32(tokenId >> 224), BrandRoles.TAG_ORACLE, oracle);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(TAG_CLAIM_TYPEHASH, tokenId, recipient, counter, deadline))
        );
        // An attestation of another certificate, recipient or counter recovers no oracle: invalid.
        if (!SignatureChecker.isValidSignatureNow(oracle, digest, attestation))
            revert IHallmarkCertificate.HallmarkInvalidSignature(tokenId);
        lastCounters[tokenId] = counter;
        _transfer(owner, recipient, tokenId);
        emit ClaimedWithTag(tokenId, owner, recipient, counter, oracle);
        ERC721Utils.checkOnERC721Received(_msgSender(), owner, recipient, tokenId, "");
    }

    /// @inheritdoc ITagAttestedClaims
    function tagCounterOf(uint256 tokenId) external view returns (uint256) {
        return _storage().lastCounters[tokenId];
    }

    function _storage() private pure returns (TagAttestedClaimsStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @dev Whether a proof of presence may move `tokenId` from `owner`: the owner opted in, or the brand holds it.
    function _presenceClaimsAllowed(uint256 tokenId, address owner) internal view virtual returns (bool);

    /// @dev Records the owner's opt-in to claims by presence; the certificate clears it when the token moves.
    function _setPresenceClaimsEnabled(uint256 tokenId, bool enabled) internal virtual;
}
