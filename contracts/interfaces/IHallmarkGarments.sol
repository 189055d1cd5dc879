// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IHallmarkGarments
/// @notice Digital garments (ERC-1155) for every brand of a group: designs with capped or timed editions,
/// drops by brand-signed EIP-712 vouchers, digital twins of certified physical pieces, and burn-to-redeem.
interface IHallmarkGarments {
    /// @notice What an issuer sets when creating a design.
    /// @param maxSupply Edition cap; 0 for an open edition, which then needs `closesAt`.
    /// @param closesAt Unix time after which nothing more is minted (0: no closing time); at most 2^40 - 1.
    /// @param metadataDigest sha256 of the wearable's metadata document (its CIDv1 raw derives from it).
    /// @param royaltyReceiver EIP-2981 receiver; zero means the brand's default royalty.
    /// @param locked Editions never move between holders (EIP-5192 semantics).
    /// @param redeemable Holders may burn editions to request the physical piece.
    /// @param twinCollectionRoot Merkle root of the certificates whose owners may claim a twin, each leaf
    /// `keccak256(keccak256(abi.encode(position, certificateId)))` with `position` the certificate's place in the
    /// collection (0, 1, 2, ...; each certificate once); zero if the design is not a digital twin.
    struct DesignInput {
        uint32 maxSupply;
        uint64 closesAt;
        bytes32 metadataDigest;
        address royaltyReceiver;
        uint96 royaltyBps;
        bool locked;
        bool redeemable;
        bytes32 twinCollectionRoot;
    }

    /// @notice A design as stored.
    struct Design {
        uint32 brandId;
        uint32 maxSupply;
        uint32 minted;
        uint32 burned;
        uint64 closesAt;
        bool locked;
        bool redeemable;
        address royaltyReceiver;
        uint96 royaltyBps;
        bytes32 metadataDigest;
        bytes32 twinCollectionRoot;
    }

    /// @notice A brand's permission for `buyer` (or anyone, when zero) to mint `amount` editions of a design,
    /// paying `price` in total, until `deadline`. `nonce` (read as a uint256) numbers the brand's vouchers: each
    /// nonce redeems once per brand. Consecutive nonces share a storage slot (256 to a slot), so numbering
    /// vouchers from a counter costs a buyer far less gas than random nonces do.
    struct Voucher {
        uint256 designId;
        address buyer;
        uint32 amount;
        uint256 price;
        uint64 deadline;
        bytes32 nonce;
    }

    /// @notice The design does not exist.
    error HallmarkUnknownDesign(uint256 designId);
    /// @notice Invalid design settings (open edition without closing time, royalty above 100%, zero digest).
    error HallmarkInvalidDesign();
    /// @notice Minting `requested` more would exceed the cap (`minted` of `maxSupply`).
    error HallmarkEditionSoldOut(uint256 designId, uint256 minted, uint256 requested, uint256 maxSupply);
    /// @notice The design closed for minting at `closesAt`.
    error HallmarkEditionClosed(uint256 designId, uint64 closesAt);
    /// @notice Editions of a locked design never move.
    error HallmarkGarmentLocked(uint256 designId);
    /// @notice The voucher has expired.
    error HallmarkVoucherExpired(uint64 deadline);
    /// @notice The voucher was redeemed already.
    error HallmarkVoucherUsed(bytes32 voucherHash);
    /// @notice The voucher names another buyer.
    error HallmarkVoucherNotForCaller(address buyer, address caller);
    /// @notice The signature is not the named issuer's, or the issuer no longer holds the role.
    error HallmarkInvalidVoucherSignature(address signer);
    /// @notice The value sent does not equal the voucher's price.
    error HallmarkWrongPayment(uint256 expected, uint256 sent);
    /// @notice The design is not a digital twin.
    error HallmarkNotATwin(uint256 designId);
    /// @notice The certificate is not in the design's twin collection (brand mismatch or bad proof).
    error HallmarkNotInTwinCollection(uint256 designId, uint256 certificateId);
    /// @notice The caller does not own the certificate.
    error HallmarkNotCertificateOwner(uint256 certificateId, address caller);
    /// @notice The certificate is not Active.
    error HallmarkCertificateNotActive(uint256 certificateId);
    /// @notice The twin of this certificate was claimed already.
    error HallmarkTwinAlreadyClaimed(uint256 designId, uint256 certificateId);
    /// @notice The design does not allow burn-to-redeem.
    error HallmarkNotRedeemable(uint256 designId);
    /// @notice Zero amount, empty or mismatched arrays.
    error HallmarkInvalidAmount();
    /// @notice A withdrawal of `brandId`'s proceeds named a design of another brand.
    error HallmarkDesignOfAnotherBrand(uint256 designId, uint32 brandId);
    /// @notice Nothing to withdraw, or the transfer of proceeds failed.
    error HallmarkWithdrawalFailed(uint32 brandId, uint256 amount);

    /// @notice A design was created by an issuer of `brandId`.
    event DesignCreated(
        uint256 indexed designId,
        uint32 indexed brandId,
        address indexed issuer,
        uint32 maxSupply,
        uint64 closesAt,
        bytes32 metadataDigest,
        bool locked,
        bool redeemable,
        bytes32 twinCollectionRoot
    );
    /// @notice A design's EIP-2981 royalty was set (zero receiver: the brand's default applies).
    event DesignRoyaltySet(uint256 indexed designId, address receiver, uint96 royaltyBps);
    /// @notice Editions were minted directly by an issuer.
    event EditionsMinted(
        uint256 indexed designId,
        address indexed to,
        uint256 amount,
        address indexed issuer
    );
    /// @notice A voucher was redeemed.
    event VoucherRedeemed(
        uint256 indexed designId,
        address indexed buyer,
        address indexed signer,
        bytes32 voucherHash,
        uint256 amount,
        uint256 price
    );
    /// @notice The owner of a certified physical piece claimed its digital twin.
    event TwinClaimed(uint256 indexed designId, uint256 indexed certificateId, address indexed owner);
    /// @notice A holder burned editions to request the physical piece; `requestDigest` is the sha256 of the
    /// (off-chain, private) request document.
    event RedemptionRequested(
        uint256 indexed designId,
        address indexed holder,
        uint256 amount,
        bytes32 requestDigest
    );
    /// @notice Proceeds of a brand's drops (the designs named in the withdrawal) were withdrawn.
    event ProceedsWithdrawn(uint32 indexed brandId, address indexed to, uint256 amount);
    /// @notice The URI base of a brand's designs changed.
    event URIBaseChanged(uint32 indexed brandId, string base);

    /// @notice Creates a design for `brandId`. Issuer of the brand only.
    function createDesign(uint32 brandId, DesignInput calldata input) external returns (uint256 designId);

    /// @notice Mints editions to several recipients. Issuer of the design's brand only.
    function mintEditions(
        uint256 designId,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) external;

    /// @notice Redeems a voucher signed by `signer`, an issuer of the design's brand, paying its price.
    function redeemVoucher(
        Voucher calldata voucher,
        address signer,
        bytes calldata signature
    ) external payable;

    /// @notice The owner of an Active certificate in the design's twin collection claims one twin: `position` is
    /// the certificate's place in the collection, `proof` the Merkle proof of the leaf (position, certificateId).
    function claimTwin(
        uint256 designId,
        uint256 certificateId,
        uint256 position,
        bytes32[] calldata proof
    ) external;

    /// @notice Burns editions of a redeemable design to request the physical piece.
    function redeemForPhysical(uint256 designId, uint256 amount, bytes32 requestDigest) external;

    /// @notice Sends the drop proceeds of the brand's designs `designIds` to `to`, in one transfer of their sum.
    /// Brand admin only; every design must be the brand's (a design named twice pays once).
    function withdrawProceeds(uint32 brandId, uint256[] calldata designIds, address payable to) external;

    /// @notice Sets the metadata URI base of a brand's designs. Brand admin only.
    function setURIBase(uint32 brandId, string calldata base) external;

    /// @notice The design.
    function design(uint256 designId) external view returns (Design memory);

    /// @notice The number of designs created.
    function designCount() external view returns (uint256);

    /// @notice Whether the twin of the certificate at `position` in the design's twin collection was claimed.
    function twinClaimedAt(uint256 designId, uint256 position) external view returns (bool);

    /// @notice The design's claimed twins at positions `wordPos * 256` to `wordPos * 256 + 255`, one bit each (bit
    /// `i` for position `wordPos * 256 + i`).
    function twinClaimBitmap(uint256 designId, uint256 wordPos) external view returns (uint256);

    /// @notice Whether a voucher with this nonce was redeemed for the brand: each nonce redeems one voucher of
    /// a brand, whoever signed it.
    function voucherUsed(uint32 brandId, bytes32 nonce) external view returns (bool);

    /// @notice The brand's used voucher nonces `wordPos * 256` to `wordPos * 256 + 255`, one bit each (bit `i`
    /// for nonce `wordPos * 256 + i`), as Permit2's `nonceBitmap`.
    function voucherNonceBitmap(uint32 brandId, uint256 wordPos) external view returns (uint256);

    /// @notice The EIP-712 struct hash of a voucher.
    function hashVoucher(Voucher calldata voucher) external view returns (bytes32);

    /// @notice A design's voucher proceeds not yet withdrawn (a brand's proceeds are kept per design).
    function proceedsOf(uint256 designId) external view returns (uint256);

    /// @notice Editions a holder burned for physical redemption, per design.
    function redeemedBy(uint256 designId, address holder) external view returns (uint256);
}
