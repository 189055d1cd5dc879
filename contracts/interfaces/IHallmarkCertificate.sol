// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IHallmarkCertificate
/// @notice Certificates of authenticity for physical pieces, one ERC-721 contract for all brands of a group.
/// A token id encodes its brand (top 32 bits) and the salted hash of the piece's serial (low 224 bits), so one
/// certificate per (brand, serial) holds by construction.
interface IHallmarkCertificate {
    /// @notice Lifecycle status of a certificate. Only Active certificates move.
    enum Status {
        Active,
        Stolen,
        Revoked
    }

    /// @notice Kinds of provenance events parties record. Manufacture is the issuance itself.
    enum ProvenanceKind {
        Sale,
        AuthenticatedResale,
        Repair,
        Inspection
    }

    /// @notice What an issuer supplies per certificate.
    /// @param serialHash keccak256(brandSalt, serial): the serial never appears in clear on-chain.
    /// @param metadataDigest sha256 of the exact metadata document bytes (its CIDv1 raw is derived from it).
    /// @param chip Address of the NFC chip's key, or zero when the piece has no chip.
    /// @param claimKey Address of a one-time claim code's key, or zero.
    struct CertificateInput {
        bytes32 serialHash;
        bytes32 metadataDigest;
        address chip;
        address claimKey;
    }

    /// @notice A certificate for this (brand, serial) exists already.
    error HallmarkDuplicateCertificate(uint256 tokenId);
    /// @notice A serial hash or metadata digest was zero.
    error HallmarkInvalidCommitment();
    /// @notice The batch is empty or larger than the maximum.
    error HallmarkInvalidBatchSize(uint256 size, uint256 max);
    /// @notice The recipient is the zero address.
    error HallmarkInvalidRecipient(address recipient);
    /// @notice The certificate cannot move while it has this status.
    error HallmarkCertificateLocked(uint256 tokenId, Status status);
    /// @notice The status change is not allowed from the current status.
    error HallmarkInvalidStatusChange(uint256 tokenId, Status current, Status requested);
    /// @notice The caller may not change this certificate's status in this way.
    error HallmarkUnauthorizedStatusChange(uint256 tokenId, address caller);
    /// @notice The certificate has no claim key set.
    error HallmarkNoClaimKey(uint256 tokenId);
    /// @notice The signature's deadline has passed.
    error HallmarkSignatureExpired(uint256 deadline);
    /// @notice The signature does not come from the expected key.
    error HallmarkInvalidSignature(uint256 tokenId);
    /// @notice The certificate has no chip bound.
    error HallmarkNoChip(uint256 tokenId);
    /// @notice The owner has not enabled chip claims and the piece is not in brand custody.
    error HallmarkChipClaimsDisabled(uint256 tokenId);
    /// @notice The block a chip signed is not among the recent blocks accepted.
    error HallmarkStaleBlock(uint256 blockNumber, uint256 currentBlock);
    /// @notice The caller lacks every role that may record this kind of provenance event for the brand.
    error HallmarkUnauthorizedProvenance(uint256 tokenId, ProvenanceKind kind, address caller);
    /// @notice The condition grade is outside 0..10 (0 = not graded).
    error HallmarkInvalidConditionGrade(uint8 grade);
    /// @notice The certificate already has a successor.
    error HallmarkAlreadySucceeded(uint256 tokenId, uint256 successorId);
    /// @notice The trait is derived from state and cannot be set.
    error HallmarkTraitReadOnly(bytes32 traitKey);
    /// @notice The trait key is not known.
    error HallmarkUnknownTrait(bytes32 traitKey);
    /// @notice Only the linked twin contract records twin claims.
    error HallmarkNotTwinContract(address caller);

    /// @notice A certificate was issued by `issuer`, committing to the sha256 of its metadata document.
    event CertificateIssued(uint256 indexed tokenId, address indexed issuer, bytes32 metadataDigest);
    /// @notice A certificate's metadata document was replaced by the brand.
    event MetadataDigestUpdated(uint256 indexed tokenId, bytes32 metadataDigest, address indexed issuer);
    /// @notice An NFC chip's key was bound to the certificate at mint.
    event ChipBound(uint256 indexed tokenId, address indexed chip);
    /// @notice The claim key was set, or cleared when `claimKey` is zero.
    event ClaimKeySet(uint256 indexed tokenId, address indexed claimKey, address indexed by);
    /// @notice The owner enabled or disabled chip claims.
    event ChipClaimsEnabled(uint256 indexed tokenId, bool enabled);
    /// @notice The certificate was claimed with a one-time code.
    event ClaimedWithCode(uint256 indexed tokenId, address indexed from, address indexed to);
    /// @notice The certificate was claimed with a signature of the item's chip.
    event ClaimedWithChip(uint256 indexed tokenId, address indexed from, address indexed to);
    /// @notice The status changed, with the reason given.
    event StatusChanged(uint256 indexed tokenId, Status status, address indexed by, string reason);
    /// @notice A provenance event was recorded by an authorized party of the brand.
    event ProvenanceRecorded(
        uint256 indexed tokenId,
        ProvenanceKind indexed kind,
        address indexed actor,
        bytes32 detailsDigest,
        uint8 conditionGrade
    );
    /// @notice A new certificate replaces `predecessorId` (remanufacture, tag replaced).
    event CertificateSucceeded(uint256 indexed predecessorId, uint256 indexed successorId, string reason);
    /// @notice The token URI base of a brand changed.
    event TokenURIBaseChanged(uint32 indexed brandId, string base);
    /// @notice The contract whose digital-twin claims the certificates record (the garments contract) was set.
    event TwinContractSet(address indexed twinContract, address indexed by);

    /// @notice Issues one certificate to `to` (an owner or the brand's vault). Issuer of the brand only.
    function issue(
        uint32 brandId,
        address to,
        CertificateInput calldata item
    ) external returns (uint256 tokenId);

    /// @notice Issues a batch of certificates to `to` in one transaction. Issuer of the brand only.
    function issueBatch(uint32 brandId, address to, CertificateInput[] calldata items) external;

    /// @notice Issues a certificate that replaces `predecessorId`, to the predecessor's owner; the
    /// predecessor is revoked and points forward. Issuer of the brand, approved by the predecessor's owner.
    function issueSuccessor(
        uint256 predecessorId,
        CertificateInput calldata item,
        string calldata reason
    ) external returns (uint256 successorId);

    /// @notice Replaces the committed metadata document. Issuer of the brand only.
    function updateMetadata(uint256 tokenId, bytes32 metadataDigest) external;

    /// @notice Sets (or clears with zero) the one-time claim key. Owner or approved only.
    function setClaimKey(uint256 tokenId, address claimKey) external;

    /// @notice Transfers the certificate to `recipient` with a signature of the claim key over
    /// Claim(tokenId, recipient, nonce, deadline). Anyone may submit it; the code then stops working.
    function claimWithCode(
        uint256 tokenId,
        address recipient,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Enables or disables chip claims. Owner or approved only; reset on every transfer.
    function setChipClaimsEnabled(uint256 tokenId, bool enabled) external;

    /// @notice Transfers the certificate to `recipient` with the chip's signature over
    /// ChipClaim(tokenId, recipient, blockNumber, blockHash, nonce), while enabled or in brand custody.
    function claimWithChip(
        uint256 tokenId,
        address recipient,
        uint256 blockNumber,
        bytes calldata chipSignature
    ) external;

    /// @notice Approves `spender` with the owner's EIP-712 signature (EOA or EIP-1271 wallet).
    function permit(address spender, uint256 tokenId, uint256 deadline, bytes calldata signature) external;

    /// @notice Reports the certificate stolen. Owner or brand admin.
    function reportStolen(uint256 tokenId, string calldata reason) external;

    /// @notice Revokes the certificate (counterfeit, destroyed, recalled). Brand admin.
    function revoke(uint256 tokenId, string calldata reason) external;

    /// @notice Restores a recovered or wrongly revoked certificate to Active. Brand admin.
    function restore(uint256 tokenId, string calldata reason) external;

    /// @notice Records a provenance event (sale by the brand; resale and inspection by partners; repair and
    /// inspection by repairers).
    function recordProvenance(
        uint256 tokenId,
        ProvenanceKind kind,
        bytes32 detailsDigest,
        uint8 conditionGrade
    ) external;

    /// @notice A resale partner holding or approved for the certificate records an authenticated resale with
    /// its inspection report and moves the certificate to the buyer.
    function authenticatedResale(
        uint256 tokenId,
        address buyer,
        bytes32 reportDigest,
        uint8 conditionGrade
    ) external;

    /// @notice Sets the token URI base for a brand's certificates. Brand admin.
    function setTokenURIBase(uint32 brandId, string calldata base) external;

    /// @notice Links the contract whose digital-twin claims certificates record (the garments contract). The
    /// group admin, or once, while none is linked, the account that deployed this contract.
    function setTwinContract(address twinContract) external;

    /// @notice Counts a digital twin claimed with the certificate (trait `twinsClaimed`, with TraitUpdated) by
    /// `claimant`, after checking that `claimant` owns the certificate (else `HallmarkNotCertificateOwner`) and
    /// that it is Active (else `HallmarkCertificateNotActive`), both errors of IHallmarkGarments. The linked twin
    /// contract only, which checks the rest of the claim; which design the twin is of is in its own events.
    /// Returns the certificate's twin count after this one.
    function recordTwinClaim(uint256 tokenId, address claimant) external returns (uint256 twinsClaimed);

    /// @notice Whether `signature` is the current owner's EIP-712 signature of OwnershipProof(tokenId, owner,
    /// challenge); EIP-1271 wallets are accepted, and ERC-6492 wrapped signatures of deployed ones (a
    /// counterfactual owner's is checked with ERC6492OwnershipCheck in an eth_call).
    function verifyOwnership(
        uint256 tokenId,
        bytes32 challenge,
        bytes calldata signature
    ) external view returns (bool);

    /// @notice The token id for a (brand, serial hash) pair.
    function tokenIdOf(uint32 brandId, bytes32 serialHash) external pure returns (uint256);

    /// @notice The brand of a token id.
    function brandOf(uint256 tokenId) external pure returns (uint32);

    /// @notice The certificate's status.
    function statusOf(uint256 tokenId) external view returns (Status);

    /// @notice The bound chip's address (zero if none) and its next nonce.
    function chipOf(uint256 tokenId) external view returns (address chip, uint64 nonce);

    /// @notice The claim key (zero if none), its nonce, and whether chip claims are enabled.
    function claimStateOf(
        uint256 tokenId
    ) external view returns (address claimKey, uint48 claimNonce, bool chipClaimsEnabled);

    /// @notice The successor of a certificate, or 0.
    function successorOf(uint256 tokenId) external view returns (uint256);

    /// @notice The predecessor of a certificate, or 0.
    function predecessorOf(uint256 tokenId) external view returns (uint256);

    /// @notice The contract whose digital-twin claims certificates record, or zero.
    function twinContract() external view returns (address);
}
