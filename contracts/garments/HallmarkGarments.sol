// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Utils} from "@openzeppelin/contracts/token/ERC1155/utils/ERC1155Utils.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";
import {IHallmarkCertificate} from "../interfaces/IHallmarkCertificate.sol";
import {IHallmarkGarments} from "../interfaces/IHallmarkGarments.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";
import {IERC7496} from "../interfaces/IERC7496.sol";
import {BrandGated} from "../registry/BrandGated.sol";
import {BrandRoles} from "../registry/BrandRoles.sol";

/// @title HallmarkGarments
/// @notice ERC-1155 digital garments for every brand of a group. A design is one token id; its editions are
/// the token's supply, capped (or open until a closing time) and counted once for direct mints, vouchers and
/// twin claims alike, so the cap holds whatever mix of them lands.
contract HallmarkGarments is
    IHallmarkGarments,
    IERC2981,
    IERC5192,
    IERC7496,
    ERC1155,
    EIP712,
    ReentrancyGuardTransient,
    BrandGated
{
    using Strings for uint256;

    bytes32 public constant VOUCHER_TYPEHASH = keccak256(
        "Voucher(uint256 designId,address buyer,uint32 amount,uint256 price,uint64 deadline,bytes32 nonce)"
    );
    bytes32 public constant TRAIT_MINTED = "minted";
    bytes32 public constant TRAIT_REDEEMED = "redeemed";
    bytes32 public constant TRAIT_LOCKED = "locked";

    /// @dev ERC-7496 trait metadata (its JSON schema). Each key is the literal bytes32 trait key: ERC-7496
    /// reads a name that is not a 0x-prefixed word as keccak256(name), and our keys are the names' ASCII bytes.
    // solhint-disable quotes
    string private constant _TRAIT_METADATA =
        '{"traits":{'
        '"0x6d696e7465640000000000000000000000000000000000000000000000000000":{"displayName":"Editions minted",'
        '"dataType":{"type":"decimal","signed":false,"decimals":0}},'
        '"0x72656465656d6564000000000000000000000000000000000000000000000000":{'
        '"displayName":"Redeemed for the physical piece",'
        '"dataType":{"type":"decimal","signed":false,"decimals":0}},'
        '"0x6c6f636b65640000000000000000000000000000000000000000000000000000":{"displayName":"Locked",'
        '"dataType":{"type":"boolean"}}}}';
    // solhint-enable quotes

    /// @notice The certificate contract whose owners may claim digital twins.
    IHallmarkCertificate public immutable certificates;

    /// @dev A design as stored: the fields of `Design` in another order and narrower, with the design's
    /// voucher proceeds. Everything a mint reads or writes (brand, cap, minted count, closing time, lock) and
    /// the proceeds a paid voucher adds share the first slot, which every mint reads and updates anyway: a
    /// voucher's payment costs no slot of its own. `closesAt` fits 40 bits (a Unix time past the year 36,000),
    /// `royaltyBps` 16 (at most 10,000), and `proceeds` 104 bits: a design's proceeds are ether this contract
    /// holds, which never reaches 2^104 wei (2 * 10^13 ether). The burned count, written only by
    /// burn-to-redeem, moved to the second slot with the royalty.
    struct DesignRecord {
        uint32 brandId;
        uint32 maxSupply;
        uint32 minted;
        uint40 closesAt;
        bool locked;
        bool redeemable;
        uint104 proceeds;
        address royaltyReceiver;
        uint16 royaltyBps;
        uint32 burned;
        bytes32 metadataDigest;
        bytes32 twinCollectionRoot;
    }

    uint256 private _designCount;
    mapping(uint256 designId => DesignRecord) private _designs;
    /// @dev Claimed twins, one bit per certificate by its position in the design's twin collection (the leaf
    /// `(position, certificateId)` binds the two), 256 to a slot: a claim updates a word its neighbours have
    /// already written instead of paying a fresh slot per certificate.
    mapping(uint256 designId => mapping(uint256 wordPos => uint256 bits)) private _twinClaims;
    /// @dev Used voucher nonces, 256 to a slot, as Uniswap's Permit2 keeps unordered nonces: a brand that numbers
    /// its vouchers pays a fresh slot once per 256 vouchers and an update of a used slot for the others, instead
    /// of a fresh slot per voucher. Per brand, so every issuer of a brand draws from one nonce space and two
    /// signatures over one voucher still redeem once.
    mapping(uint32 brandId => mapping(uint256 wordPos => uint256 bits)) private _voucherNonces;
    mapping(uint256 designId => mapping(address holder => uint256)) private _redeemed;
    mapping(uint32 brandId => string) private _uriBase;

    constructor(
        IBrandRegistry registry_,
        IHallmarkCertificate certificates_
    ) ERC1155("") EIP712("Hallmark Garments", "1") BrandGated(registry_) {
        certificates = certificates_;
    }

    /// @inheritdoc IHallmarkGarments
    function createDesign(uint32 brandId, DesignInput calldata input) external returns (uint256 designId) {
        _checkBrandRole(brandId, BrandRoles.ISSUER, _msgSender());
        if (
            input.metadataDigest == bytes32(0) ||
            (input.maxSupply == 0 && input.closesAt == 0) ||
            (input.closesAt != 0 && input.closesAt <= block.timestamp) ||
            input.closesAt > type(uint40).max ||
            input.royaltyBps > 10_000 ||
            (input.royaltyBps != 0 && input.royaltyReceiver == address(0))
        ) revert HallmarkInvalidDesign();
        designId = ++_designCount;
        _designs[designId] = DesignRecord({
            brandId: brandId,
            maxSupply: input.maxSupply,
            minted: 0,
            closesAt: uint40(input.closesAt),
            locked: input.locked,
            redeemable: input.redeemable,
            proceeds: 0,
            royaltyReceiver: input.royaltyReceiver,
            royaltyBps: uint16(input.royaltyBps),
            burned: 0,
            metadataDigest: input.metadataDigest,
            twinCollectionRoot: input.twinCollectionRoot
        });
        emit DesignCreated(
            designId,
            brandId,
            _msgSender(),
            input.maxSupply,
            input.closesAt,
            input.metadataDigest,
            input.locked,
            input.redeemable,
            input.twinCollectionRoot
        );
        emit DesignRoyaltySet(designId, input.royaltyReceiver, input.royaltyBps);
        if (input.locked) emit Locked(designId);
    }

    /// @inheritdoc IHallmarkGarments
    function mintEditions(
        uint256 designId,
        address[] calldata recipients,
        uint256[] calldata amounts
    ) external nonReentrant {
        DesignRecord storage d = _design(designId);
        _checkBrandRole(d.brandId, BrandRoles.ISSUER, _msgSender());
        uint256 n = recipients.length;
        if (n == 0 || n != amounts.length) revert HallmarkInvalidAmount();
        uint256 total;
        for (uint256 i; i < n; ++i) {
            uint256 amount = amounts[i];
            // Each amount is at most the uint32 cap, so the total cannot overflow before _reserve refuses it.
            if (amount == 0 || amount > type(uint32).max) revert HallmarkInvalidAmount();
            total += amount;
        }
        _reserve(designId, d, total, 0);
        for (uint256 i; i < n; ++i) {
            emit EditionsMinted(designId, recipients[i], amounts[i], _msgSender());
            _mint(recipients[i], designId, amounts[i], "");
        }
    }

    /// @inheritdoc IHallmarkGarments
    function redeemVoucher(
        Voucher calldata voucher,
        address signer,
        bytes calldata signature
    ) external payable nonReentrant {
        if (block.timestamp > voucher.deadline) revert HallmarkVoucherExpired(voucher.deadline);
        if (voucher.buyer != address(0) && voucher.buyer != _msgSender()) {
            revert HallmarkVoucherNotForCaller(voucher.buyer, _msgSender());
        }
        if (voucher.amount == 0) revert HallmarkInvalidAmount();
        (DesignRecord storage d, uint32 brandId) = _designAndBrand(voucher.designId);
        bytes32 voucherHash = hashVoucher(voucher);
        _useVoucherNonce(brandId, voucher.nonce, voucherHash);
        // The role is checked at redemption: vouchers of a revoked or compromised issuer key die with its role.
        // The same registry call reads the pause flag, which the mint below then does not read again.
        (bool isIssuer, bool paused) = _issuerAndPaused(brandId, signer);
        if (!isIssuer || !_isIssuerSignature(signer, _hashTypedDataV4(voucherHash), signature)) {
            revert HallmarkInvalidVoucherSignature(signer);
        }
        if (msg.value != voucher.price) revert HallmarkWrongPayment(voucher.price, msg.value);
        if (paused) revert IBrandRegistry.HallmarkBrandPaused(brandId);

        // The payment is the design's proceeds, kept beside the minted count that _reserve updates anyway.
        _reserve(voucher.designId, d, voucher.amount, msg.value);
        emit VoucherRedeemed(
            voucher.designId,
            _msgSender(),
            signer,
            voucherHash,
            voucher.amount,
            voucher.price
        );
        _mintChecked(_msgSender(), voucher.designId, voucher.amount);
    }

    /// @inheritdoc IHallmarkGarments
    function claimTwin(
        uint256 designId,
        uint256 certificateId,
        uint256 position,
        bytes32[] calldata proof
    ) external nonReentrant {
        (DesignRecord storage d, uint32 brandId) = _designAndBrand(designId);
        bytes32 root = d.twinCollectionRoot;
        if (root == bytes32(0)) revert HallmarkNotATwin(designId);
        uint256 wordPos = position >> 8;
        uint256 bit = 1 << (position & 0xff);
        uint256 wordSlot = _wordSlot(_twinClaims[designId], wordPos);
        uint256 claimed = _loadWord(wordSlot);
        if (claimed & bit != 0) revert HallmarkTwinAlreadyClaimed(designId, certificateId);
        // A certificate's brand is its id's top 32 bits (HallmarkCertificate.tokenIdOf): a brand's collection
        // names its own certificates only, whatever root its issuer committed.
        if (
            uint32(certificateId >> 224) != brandId ||
            !_inTwinCollection(proof, root, position, certificateId)
        ) revert HallmarkNotInTwinCollection(designId, certificateId);
        _storeWord(wordSlot, claimed | bit);
        // One call to the certificate contract: it checks that the caller owns the certificate and that it is
        // Active (a stolen or revoked piece gets no twin), and counts the twin as an ERC-7496 trait a
        // marketplace re-reads at the moment of sale.
        _recordTwinClaim(certificateId);
        _reserve(designId, d, 1, 0);
        emit TwinClaimed(designId, certificateId, _msgSender());
        if (_brandPaused(brandId)) revert IBrandRegistry.HallmarkBrandPaused(brandId);
        _mintChecked(_msgSender(), designId, 1);
    }

    /// @inheritdoc IHallmarkGarments
    function redeemForPhysical(
        uint256 designId,
        uint256 amount,
        bytes32 requestDigest
    ) external nonReentrant {
        DesignRecord storage d = _design(designId);
        if (!d.redeemable) revert HallmarkNotRedeemable(designId);
        if (amount == 0) revert HallmarkInvalidAmount();
        _burn(_msgSender(), designId, amount);
        d.burned += uint32(amount);
        _redeemed[designId][_msgSender()] += amount;
        emit RedemptionRequested(designId, _msgSender(), amount, requestDigest);
        emit TraitUpdated(TRAIT_REDEEMED, designId, bytes32(uint256(d.burned)));
    }

    /// @inheritdoc IHallmarkGarments
    function withdrawProceeds(
        uint32 brandId,
        uint256[] calldata designIds,
        address payable to
    ) external nonReentrant {
        if (!_hasBrandRole(brandId, BrandRoles.BRAND_ADMIN, _msgSender())) {
            revert IBrandRegistry.HallmarkMissingBrandRole(brandId, BrandRoles.BRAND_ADMIN, _msgSender());
        }
        uint256 amount;
        for (uint256 i; i < designIds.length; ++i) {
            DesignRecord storage d = _design(designIds[i]);
            // A brand's admin withdraws its own designs' proceeds only. A design named twice pays once: its
            // proceeds are zero the second time.
            if (d.brandId != brandId) revert HallmarkDesignOfAnotherBrand(designIds[i], brandId);
            amount += d.proceeds;
            d.proceeds = 0;
        }
        if (amount == 0 || to == address(0)) revert HallmarkWithdrawalFailed(brandId, amount);
        emit ProceedsWithdrawn(brandId, to, amount);
        (bool ok, ) = to.call{value: amount}("");
        if (!ok) revert HallmarkWithdrawalFailed(brandId, amount);
    }

    /// @inheritdoc IHallmarkGarments
    function setURIBase(uint32 brandId, string calldata base) external {
        if (!_hasBrandRole(brandId, BrandRoles.BRAND_ADMIN, _msgSender())) {
            revert IBrandRegistry.HallmarkMissingBrandRole(brandId, BrandRoles.BRAND_ADMIN, _msgSender());
        }
        _uriBase[brandId] = base;
        emit URIBaseChanged(brandId, base);
    }

    // ------------------------------------------------------------------------------------------- views

    /// @inheritdoc IHallmarkGarments
    function design(uint256 designId) external view returns (Design memory) {
        DesignRecord storage d = _design(designId);
        return
            Design({
                brandId: d.brandId,
                maxSupply: d.maxSupply,
                minted: d.minted,
                burned: d.burned,
                closesAt: d.closesAt,
                locked: d.locked,
                redeemable: d.redeemable,
                royaltyReceiver: d.royaltyReceiver,
                royaltyBps: d.royaltyBps,
                metadataDigest: d.metadataDigest,
                twinCollectionRoot: d.twinCollectionRoot
            });
    }

    /// @inheritdoc IHallmarkGarments
    function designCount() external view returns (uint256) {
        return _designCount;
    }

    /// @inheritdoc IHallmarkGarments
    function twinClaimedAt(uint256 designId, uint256 position) external view returns (bool) {
        return _twinClaims[designId][position >> 8] & (1 << (position & 0xff)) != 0;
    }

    /// @inheritdoc IHallmarkGarments
    function twinClaimBitmap(uint256 designId, uint256 wordPos) external view returns (uint256) {
        return _twinClaims[designId][wordPos];
    }

    /// @inheritdoc IHallmarkGarments
    function voucherUsed(uint32 brandId, bytes32 nonce) external view returns (bool) {
        return _voucherNonces[brandId][uint256(nonce) >> 8] & (1 << (uint256(nonce) & 0xff)) != 0;
    }

    /// @inheritdoc IHallmarkGarments
    function voucherNonceBitmap(uint32 brandId, uint256 wordPos) external view returns (uint256) {
        return _voucherNonces[brandId][wordPos];
    }

    /// @inheritdoc IHallmarkGarments
    function hashVoucher(Voucher calldata v) public pure returns (bytes32 structHash) {
        // keccak256(abi.encode(VOUCHER_TYPEHASH, v.designId, v.buyer, v.amount, v.price, v.deadline, v.nonce)),
        // hashed from the voucher's six words as they sit in calldata. Reading the narrow fields first makes the
        // ABI decoder refuse dirty high bits, so the words hashed are the ones abi.encode would write.
        (v.buyer, v.amount, v.deadline);
        bytes32 typeHash = VOUCHER_TYPEHASH;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            calldatacopy(add(m, 0x20), v, 0xc0)
            structHash := keccak256(m, 0xe0)
        }
    }

    /// @inheritdoc IHallmarkGarments
    function proceedsOf(uint256 designId) external view returns (uint256) {
        return _design(designId).proceeds;
    }

    /// @inheritdoc IHallmarkGarments
    function redeemedBy(uint256 designId, address holder) external view returns (uint256) {
        return _redeemed[designId][holder];
    }

    /// @notice The brand's URI base followed by the design id; the canonical document is the CIDv1 (raw,
    /// sha2-256) of the design's metadata digest.
    function uri(uint256 designId) public view override returns (string memory) {
        string memory base = _uriBase[_design(designId).brandId];
        return bytes(base).length == 0 ? "" : string.concat(base, designId.toString());
    }

    /// @inheritdoc IERC5192
    function locked(uint256 designId) external view returns (bool) {
        return _design(designId).locked;
    }

    /// @inheritdoc IERC2981
    function royaltyInfo(
        uint256 designId,
        uint256 salePrice
    ) external view returns (address receiver, uint256 royaltyAmount) {
        DesignRecord storage d = _design(designId);
        uint96 bps;
        if (d.royaltyReceiver != address(0)) {
            (receiver, bps) = (d.royaltyReceiver, d.royaltyBps);
        } else {
            (receiver, bps) = registry.royaltyOf(d.brandId);
        }
        royaltyAmount = (salePrice * bps) / 10_000;
    }

    /// @inheritdoc IERC7496
    function getTraitValue(uint256 designId, bytes32 traitKey) public view returns (bytes32) {
        DesignRecord storage d = _design(designId);
        if (traitKey == TRAIT_MINTED) return bytes32(uint256(d.minted));
        if (traitKey == TRAIT_REDEEMED) return bytes32(uint256(d.burned));
        if (traitKey == TRAIT_LOCKED) return d.locked ? bytes32(uint256(1)) : bytes32(0);
        revert IHallmarkCertificate.HallmarkUnknownTrait(traitKey);
    }

    /// @inheritdoc IERC7496
    function getTraitValues(
        uint256 designId,
        bytes32[] calldata traitKeys
    ) external view returns (bytes32[] memory traitValues) {
        traitValues = new bytes32[](traitKeys.length);
        for (uint256 i; i < traitKeys.length; ++i) traitValues[i] = getTraitValue(designId, traitKeys[i]);
    }

    /// @inheritdoc IERC7496
    /// @dev The trait metadata as a base64 data: URI (its JSON has spaces and quotes, which a bare data: URI
    /// may not carry).
    function getTraitMetadataURI() external pure returns (string memory) {
        return string.concat("data:application/json;base64,", Base64.encode(bytes(_TRAIT_METADATA)));
    }

    /// @inheritdoc IERC7496
    function setTrait(uint256, bytes32 traitKey, bytes32) external pure {
        revert IHallmarkCertificate.HallmarkTraitReadOnly(traitKey);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, IERC165) returns (bool) {
        return
            interfaceId == type(IERC2981).interfaceId ||
            interfaceId == type(IERC5192).interfaceId ||
            interfaceId == type(IERC7496).interfaceId ||
            interfaceId == type(IHallmarkGarments).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------------------------------- internals

    /// @dev Every mint, transfer and burn passes here: a paused brand's garments don't move, and editions of a
    /// locked design never change hands.
    function _update(
        address from,
        address to,
        uint256[] memory ids,
        uint256[] memory values
    ) internal override {
        for (uint256 i; i < ids.length; ++i) {
            DesignRecord storage d = _designs[ids[i]];
            // One read of the design's first slot for both fields (see _reserve).
            (uint32 brandId, bool isLocked) = (d.brandId, d.locked);
            if (brandId == 0) revert HallmarkUnknownDesign(ids[i]);
            _requireBrandNotPaused(brandId);
            if (isLocked && from != address(0) && to != address(0)) revert HallmarkGarmentLocked(ids[i]);
        }
        super._update(from, to, ids, values);
    }

    /// @dev registry.roleAndPaused(brandId, ISSUER, signer), encoded and decoded by hand: the registry is this
    /// contract's own immutable link, and a call without Solidity's ABI coder costs a few hundred gas less on every
    /// voucher. A registry that reverts makes the redemption revert with its data.
    function _issuerAndPaused(
        uint32 brandId,
        address signer
    ) private view returns (bool isIssuer, bool paused) {
        (address target, bytes4 selector, bytes32 role) = (
            address(registry),
            IBrandRegistry.roleAndPaused.selector,
            BrandRoles.ISSUER
        );
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), brandId)
            mstore(add(m, 0x24), role)
            mstore(add(m, 0x44), signer)
            // Yul evaluates the arguments right to left: the call runs before returndatasize() is read.
            if iszero(and(gt(returndatasize(), 0x3f), staticcall(gas(), target, m, 0x64, m, 0x40))) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            isIssuer := iszero(iszero(mload(m)))
            paused := iszero(iszero(mload(add(m, 0x20))))
        }
    }

    /// @dev registry.isBrandPaused(brandId), encoded and decoded by hand (see _issuerAndPaused).
    function _brandPaused(uint32 brandId) private view returns (bool paused) {
        (address target, bytes4 selector) = (address(registry), IBrandRegistry.isBrandPaused.selector);
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), brandId)
            if iszero(and(gt(returndatasize(), 0x1f), staticcall(gas(), target, m, 0x24, m, 0x20))) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            paused := iszero(iszero(mload(m)))
        }
    }

    /// @dev certificates.recordTwinClaim(certificateId, caller), encoded and decoded by hand (see
    /// _issuerAndPaused). The call must return the certificate's twin count: a word back proves code answered,
    /// so no code-size check of the certificate contract is needed.
    function _recordTwinClaim(uint256 certificateId) private {
        (address target, bytes4 selector, address claimant) = (
            address(certificates),
            IHallmarkCertificate.recordTwinClaim.selector,
            _msgSender()
        );
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), certificateId)
            mstore(add(m, 0x24), claimant)
            if iszero(and(gt(returndatasize(), 0x1f), call(gas(), target, 0, m, 0x44, m, 0x20))) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
        }
    }

    /// @dev Whether `proof` proves the leaf of (`position`, `certificateId`) under `root`: OpenZeppelin's
    /// MerkleProof.verifyCalldata (sorted pairs, the leaf keccak256(keccak256(abi.encode(position,
    /// certificateId))), double-hashed so that no inner node of 64 bytes can pass for a leaf), as one loop over the
    /// proof's calldata without its per-level function calls and bounds checks. The proof's words are read
    /// within `proof.length`, which the ABI decoder has checked against the calldata.
    function _inTwinCollection(
        bytes32[] calldata proof,
        bytes32 root,
        uint256 position,
        uint256 certificateId
    ) private pure returns (bool valid) {
        assembly ("memory-safe") {
            mstore(0x00, position)
            mstore(0x20, certificateId)
            mstore(0x00, keccak256(0x00, 0x40))
            let node := keccak256(0x00, 0x20)
            let end := add(proof.offset, shl(5, proof.length))
            for {
                let p := proof.offset
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                // Sorted pair: the smaller word first (Hashes.commutativeKeccak256); `at` is where the node goes.
                let sibling := calldataload(p)
                let at := shl(5, gt(node, sibling))
                mstore(at, node)
                mstore(xor(at, 0x20), sibling)
                node := keccak256(0x00, 0x40)
            }
            valid := eq(node, root)
        }
    }

    /// @dev Marks the brand's voucher nonce used, or reverts if it was (one bit of a Permit2-style bitmap word).
    function _useVoucherNonce(uint32 brandId, bytes32 nonce, bytes32 voucherHash) private {
        uint256 wordPos = uint256(nonce) >> 8;
        uint256 bit = 1 << (uint256(nonce) & 0xff);
        uint256 wordSlot = _wordSlot(_voucherNonces[brandId], wordPos);
        uint256 used = _loadWord(wordSlot);
        if (used & bit != 0) revert HallmarkVoucherUsed(voucherHash);
        _storeWord(wordSlot, used | bit);
    }

    /// @dev The storage slot of `words[wordPos]` (Solidity's mapping layout: keccak256(key . mapping's slot)),
    /// computed once for both the read and the write of a bitmap word, which Solidity would hash twice.
    function _wordSlot(
        mapping(uint256 => uint256) storage words,
        uint256 wordPos
    ) private pure returns (uint256 wordSlot) {
        assembly ("memory-safe") {
            mstore(0x00, wordPos)
            mstore(0x20, words.slot)
            wordSlot := keccak256(0x00, 0x40)
        }
    }

    function _loadWord(uint256 wordSlot) private view returns (uint256 word) {
        assembly ("memory-safe") {
            word := sload(wordSlot)
        }
    }

    function _storeWord(uint256 wordSlot, uint256 word) private {
        assembly ("memory-safe") {
            sstore(wordSlot, word)
        }
    }

    /// @dev The signer's ECDSA signature, or failing that its ERC-1271 approval. ECDSA is tried first because a
    /// key's signature that recovers to the signer can only come from the signer's own key, whatever code sits
    /// at the address (a contract has no key; an EIP-7702 account's key stays in control of it). Asking the
    /// address for its code first, as SignatureChecker does, costs a cold account access (2,600 gas) on every
    /// redemption signed by an issuer key.
    function _isIssuerSignature(
        address signer,
        bytes32 digest,
        bytes calldata signature
    ) private view returns (bool) {
        // ECDSA.tryRecoverCalldata's checks, without its error plumbing: 65 bytes, and s in the lower half order
        // (no malleable twin of a signature). A failed recovery leaves the zero address, which the comparison
        // refuses.
        address recovered;
        if (signature.length == 65) {
            assembly ("memory-safe") {
                let s := calldataload(add(signature.offset, 0x20))
                if iszero(gt(s, 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0)) {
                    let m := mload(0x40)
                    mstore(m, digest)
                    mstore(add(m, 0x20), byte(0, calldataload(add(signature.offset, 0x40))))
                    mstore(add(m, 0x40), calldataload(signature.offset))
                    mstore(add(m, 0x60), s)
                    mstore(0x00, 0)
                    pop(staticcall(gas(), 1, m, 0x80, 0x00, 0x20))
                    recovered := mload(0x00)
                }
            }
        }
        return
            (recovered != address(0) && recovered == signer) ||
            SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature);
    }

    /// @dev Counts `amount` against the cap and the closing time before anything is minted, and adds `paid` to
    /// the design's proceeds: one write of the design's first slot.
    function _reserve(uint256 designId, DesignRecord storage d, uint256 amount, uint256 paid) private {
        // Read together, with no branch between them, the fields cost one read of the design's first slot (the
        // optimizer merges the loads of one basic block).
        (uint40 closesAt, uint256 minted, uint32 maxSupply, uint256 proceeds) = (
            d.closesAt,
            d.minted,
            d.maxSupply,
            d.proceeds
        );
        if (closesAt != 0 && block.timestamp > closesAt) revert HallmarkEditionClosed(designId, closesAt);
        if (
            amount == 0 ||
            minted + amount > type(uint32).max ||
            (maxSupply != 0 && minted + amount > maxSupply)
        ) {
            revert HallmarkEditionSoldOut(designId, minted, amount, maxSupply);
        }
        // Proceeds are ether this contract holds, far below 2^104 wei; SafeCast keeps the cast exact anyway.
        (d.minted, d.proceeds) = (uint32(minted + amount), SafeCast.toUint104(proceeds + paid));
        emit TraitUpdated(TRAIT_MINTED, designId, bytes32(minted + amount));
    }

    /// @dev Mints `amount` editions of `id` to `to` past this contract's `_update` hook: for a caller that has
    /// checked the brand's pause flag itself (the hook's other checks concern designs that exist, which the
    /// caller's have, and moves between holders, which a mint is not). OpenZeppelin's own `_update` and the
    /// ERC-1155 acceptance check run as `_mint` runs them.
    function _mintChecked(address to, uint256 id, uint256 amount) private {
        uint256[] memory ids;
        uint256[] memory values;
        // Two one-element arrays in one allocation, as ERC1155's _asSingletonArrays makes them.
        assembly ("memory-safe") {
            ids := mload(0x40)
            mstore(ids, 1)
            mstore(add(ids, 0x20), id)
            values := add(ids, 0x40)
            mstore(values, 1)
            mstore(add(values, 0x20), amount)
            mstore(0x40, add(values, 0x40))
        }
        ERC1155._update(address(0), to, ids, values);
        ERC1155Utils.checkOnERC1155Received(_msgSender(), address(0), to, id, amount, "");
    }

    /// @dev The design and its brand, from one read of its first slot.
    function _designAndBrand(uint256 designId) private view returns (DesignRecord storage d, uint32 brandId) {
        d = _designs[designId];
        brandId = d.brandId;
        if (brandId == 0) revert HallmarkUnknownDesign(designId);
    }

    function _design(uint256 designId) private view returns (DesignRecord storage d) {
        d = _designs[designId];
        if (d.brandId == 0) revert HallmarkUnknownDesign(designId);
    }
}
