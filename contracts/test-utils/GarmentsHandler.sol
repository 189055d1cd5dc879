// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {HallmarkGarments} from "../garments/HallmarkGarments.sol";
import {HallmarkCertificate} from "../certificate/HallmarkCertificate.sol";
import {IHallmarkGarments} from "../interfaces/IHallmarkGarments.sol";
import {Vm, VM} from "./Vm.sol";

/// @title GarmentTwinTree
/// @notice Test-only Merkle tree of exactly four certificate ids, built the way OpenZeppelin's MerkleProof checks
/// it (double-hashed leaves, sorted pairs) but without any of the contract's code.
library GarmentTwinTree {
    /// @dev The leaf of the certificate at `position` in the collection (HallmarkGarments._twinLeaf).
    function leaf(uint256 position, uint256 certificateId) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(position, certificateId))));
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function root(uint256[4] memory ids) internal pure returns (bytes32) {
        return
            hashPair(hashPair(leaf(0, ids[0]), leaf(1, ids[1])), hashPair(leaf(2, ids[2]), leaf(3, ids[3])));
    }

    function proof(uint256[4] memory ids, uint256 index) internal pure returns (bytes32[] memory p) {
        p = new bytes32[](2);
        p[0] = leaf(index ^ 1, ids[index ^ 1]);
        p[1] =
            index < 2
                ? hashPair(leaf(2, ids[2]), leaf(3, ids[3]))
                : hashPair(leaf(0, ids[0]), leaf(1, ids[1]));
    }
}

/// @title GarmentsHandler
/// @notice Test-only invariant handler for HallmarkGarments: the fuzzer drives direct mints, voucher redemptions
/// (fresh and replayed), twin claims (including by a certificate's next owner), transfers of every design
/// (locked ones included), burns for the physical piece, and role holders of one brand acting on the other's
/// designs. It keeps its own ledger of what must have happened and counts every outcome the rules forbid.
contract GarmentsHandler {
    Vm private constant vm = VM; // solhint-disable-line const-name-snakecase

    struct Keys {
        uint256 issuerA;
        uint256 issuerB;
        uint256 adminA;
        uint256 adminB;
        uint256 partnerA;
        uint256 repairerA;
        uint256 partnerB;
    }

    /// @notice The designs the campaign drives, created by the test: capped designs of both brands, a locked and
    /// redeemable one, a twin design and an open edition.
    struct Designs {
        uint256 cappedA;
        uint256 lockedA;
        uint256 cappedB;
        uint256 twinA;
        uint256 openB;
    }

    uint256 public constant MAX_AMOUNT = 8;

    HallmarkGarments public immutable garments;
    HallmarkCertificate public immutable certificate;

    Designs private _designs;
    uint256[] private _designIds;
    Keys private _keys;
    address[] private _holders;
    uint256[4] private _twinCerts;

    /// @notice Editions each design must have minted, by the handler's own count of successful calls.
    mapping(uint256 designId => uint256) public ghostMinted;
    /// @notice Editions of the locked design each holder received and burned.
    mapping(address holder => uint256) public ghostLockedReceived;
    mapping(address holder => uint256) public ghostLockedBurned;
    /// @notice Certificates whose twin was claimed, and how many distinct ones.
    mapping(uint256 certificateId => bool) public ghostTwinClaimed;
    uint256 public ghostDistinctTwins;

    /// @notice Outcomes the rules forbid; every invariant expects them at zero.
    uint256 public ghostVoucherReuses;
    uint256 public ghostDoubleTwins;
    uint256 public ghostLockedMoves;
    uint256 public ghostCrossBrandActions;
    uint256 public ghostOverCapMints;
    /// @notice Direct mints that fit under the cap but were refused.
    uint256 public ghostUnexpectedRefusals;

    /// @notice Calls by outcome, to check the campaign reached every path.
    uint256 public vouchersRedeemed;
    uint256 public vouchersRefused;
    uint256 public twinsClaimed;
    uint256 public soldOutRefusals;

    IHallmarkGarments.Voucher[] private _redeemed;
    bytes[] private _redeemedSignatures;
    address[] private _redeemedSigners;
    /// @dev Nonces redeemed per brand: a nonce redeems one voucher of a brand, whatever else the voucher says.
    mapping(uint32 brandId => mapping(bytes32 nonce => bool)) private _usedNonces;

    constructor(
        HallmarkGarments garments_,
        HallmarkCertificate certificate_,
        Designs memory designs_,
        Keys memory keys_,
        address[] memory holders_,
        uint256[4] memory twinCerts_
    ) {
        garments = garments_;
        certificate = certificate_;
        _designs = designs_;
        _designIds = [designs_.cappedA, designs_.lockedA, designs_.cappedB, designs_.twinA, designs_.openB];
        _keys = keys_;
        _holders = holders_;
        _twinCerts = twinCerts_;
    }

    // --------------------------------------------------------------------------------------- actions

    /// @notice The brand's issuer mints editions to one to three holders.
    function mint(uint256 designSeed, uint256 recipientSeed, uint256 amountSeed) external {
        uint256 designId = _design(designSeed);
        uint256 n = 1 + (recipientSeed % 3);
        address[] memory recipients = new address[](n);
        uint256[] memory amounts = new uint256[](n);
        uint256 total;
        for (uint256 i; i < n; ++i) {
            recipients[i] = _holder(recipientSeed >> (8 * (i + 1)));
            amounts[i] = 1 + ((amountSeed >> (8 * i)) % MAX_AMOUNT);
            total += amounts[i];
        }
        bool fits = _fits(designId, total);

        vm.prank(_issuerOf(designId));
        try garments.mintEditions(designId, recipients, amounts) {
            if (!fits) ++ghostOverCapMints;
            ghostMinted[designId] += total;
            if (designId == _designs.lockedA) {
                for (uint256 i; i < n; ++i) ghostLockedReceived[recipients[i]] += amounts[i];
            }
        } catch {
            if (fits) ++ghostUnexpectedRefusals;
            else ++soldOutRefusals;
        }
    }

    /// @notice A buyer redeems a fresh voucher signed by the design's issuer, paying its price.
    function redeem(
        uint256 designSeed,
        uint256 buyerSeed,
        uint256 amountSeed,
        uint8 nonceSeed,
        bool openVoucher
    ) external {
        uint256 designId = _design(designSeed);
        address buyer = _holder(buyerSeed);
        uint32 amount = uint32(1 + (amountSeed % MAX_AMOUNT));
        IHallmarkGarments.Voucher memory v = IHallmarkGarments.Voucher({
            designId: designId,
            buyer: openVoucher ? address(0) : buyer,
            amount: amount,
            price: uint256(amount) * 1 gwei,
            deadline: uint64(block.timestamp + 1 days),
            // A small nonce space: the fuzzer signs vouchers identical to ones already redeemed.
            nonce: bytes32(uint256(nonceSeed % 16))
        });
        (address signer, uint256 key) = _issuerKeyOf(designId);
        bytes memory signature = _sign(key, v);
        uint32 brandId = garments.design(designId).brandId;
        bool fits = _fits(designId, amount);

        vm.deal(buyer, v.price);
        vm.prank(buyer);
        try garments.redeemVoucher{value: v.price}(v, signer, signature) {
            ++vouchersRedeemed;
            if (_usedNonces[brandId][v.nonce]) ++ghostVoucherReuses;
            if (!fits) ++ghostOverCapMints;
            _usedNonces[brandId][v.nonce] = true;
            _redeemed.push(v);
            _redeemedSignatures.push(signature);
            _redeemedSigners.push(signer);
            ghostMinted[designId] += amount;
            if (designId == _designs.lockedA) ghostLockedReceived[buyer] += amount;
        } catch {
            ++vouchersRefused;
        }
    }

    /// @notice Someone redeems a voucher that was redeemed before, by the same or another caller.
    function replay(uint256 indexSeed, uint256 callerSeed) external {
        if (_redeemed.length == 0) return;
        uint256 i = indexSeed % _redeemed.length;
        IHallmarkGarments.Voucher memory v = _redeemed[i];
        address caller = v.buyer == address(0) ? _holder(callerSeed) : v.buyer;
        vm.deal(caller, v.price);
        vm.prank(caller);
        try garments.redeemVoucher{value: v.price}(v, _redeemedSigners[i], _redeemedSignatures[i]) {
            ++ghostVoucherReuses;
            ghostMinted[v.designId] += v.amount;
        } catch {
            ++vouchersRefused;
        }
    }

    /// @notice The current owner of a certificate of the twin collection claims its twin.
    function claimTwin(uint256 certSeed) external {
        uint256 index = certSeed % 4;
        uint256 certificateId = _twinCerts[index];
        address owner = certificate.ownerOf(certificateId);
        bytes32[] memory proof = GarmentTwinTree.proof(_twinCerts, index);

        vm.prank(owner);
        try garments.claimTwin(_designs.twinA, certificateId, index, proof) {
            ++twinsClaimed;
            if (ghostTwinClaimed[certificateId]) ++ghostDoubleTwins;
            else ++ghostDistinctTwins;
            ghostTwinClaimed[certificateId] = true;
            ghostMinted[_designs.twinA] += 1;
        } catch {
            ++soldOutRefusals;
        }
    }

    /// @notice A certificate of the twin collection changes hands, so its next owner may try to claim again.
    function moveCertificate(uint256 certSeed, uint256 toSeed) external {
        uint256 certificateId = _twinCerts[certSeed % 4];
        address owner = certificate.ownerOf(certificateId);
        address to = _holder(toSeed);
        if (to == owner) return;
        vm.prank(owner);
        certificate.transferFrom(owner, to, certificateId);
    }

    /// @notice A holder (or an operator it approved) sends editions of any design, singly or in a batch.
    function transfer(
        uint256 designSeed,
        uint256 fromSeed,
        uint256 toSeed,
        uint256 amountSeed,
        bool batch,
        bool viaOperator
    ) external {
        uint256 designId = _design(designSeed);
        address from = _holder(fromSeed);
        address to = _holder(toSeed);
        uint256 balance = garments.balanceOf(from, designId);
        uint256 amount = balance == 0 ? 0 : amountSeed % (balance + 1);
        address caller = from;
        if (viaOperator) {
            caller = _holder(fromSeed + 1);
            vm.prank(from);
            garments.setApprovalForAll(caller, true);
        }

        bool moved;
        vm.prank(caller);
        if (batch) {
            uint256[] memory ids = new uint256[](2);
            uint256[] memory values = new uint256[](2);
            ids[0] = _designs.cappedA;
            ids[1] = designId;
            values[1] = amount;
            try garments.safeBatchTransferFrom(from, to, ids, values, "") {
                moved = true;
            } catch {}
        } else {
            try garments.safeTransferFrom(from, to, designId, amount, "") {
                moved = true;
            } catch {}
        }
        if (moved && designId == _designs.lockedA && from != to) ++ghostLockedMoves;
    }

    /// @notice A holder burns editions of the locked, redeemable design for the physical piece.
    function redeemPhysical(uint256 holderSeed, uint256 amountSeed) external {
        address holder = _holder(holderSeed);
        uint256 balance = garments.balanceOf(holder, _designs.lockedA);
        if (balance == 0) return;
        uint256 amount = 1 + (amountSeed % balance);
        vm.prank(holder);
        garments.redeemForPhysical(_designs.lockedA, amount, keccak256("request"));
        ghostLockedBurned[holder] += amount;
    }

    /// @notice A role holder of one brand tries every power on a design of the other brand.
    function crossBrand(uint256 actorSeed, uint256 designSeed, uint8 action) external {
        uint256 designId = _design(designSeed);
        uint32 designBrand = garments.design(designId).brandId;
        (address actor, uint256 key) = _actorOfOtherBrand(designBrand, actorSeed);
        address[] memory recipients = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        recipients[0] = actor;
        amounts[0] = 1;

        IHallmarkGarments.Voucher memory v = IHallmarkGarments.Voucher({
            designId: designId,
            buyer: actor,
            amount: 1,
            price: 0,
            deadline: uint64(block.timestamp + 1 days),
            nonce: keccak256(abi.encode("cross-brand", actorSeed))
        });
        bytes memory signature = _sign(key, v);

        uint256 kind = action % 5;
        bool succeeded;
        vm.prank(actor);
        if (kind == 0) {
            try garments.mintEditions(designId, recipients, amounts) {
                succeeded = true;
            } catch {}
        } else if (kind == 1) {
            // The actor signs in its own name, as if its role reached the other brand.
            try garments.redeemVoucher(v, actor, signature) {
                succeeded = true;
            } catch {}
        } else if (kind == 2) {
            try garments.setURIBase(designBrand, "ipfs://hijacked/") {
                succeeded = true;
            } catch {}
        } else if (kind == 3) {
            uint256[] memory named = new uint256[](1);
            named[0] = designId;
            try garments.withdrawProceeds(designBrand, named, payable(actor)) {
                succeeded = true;
            } catch {}
        } else {
            try garments.createDesign(designBrand, _designInput()) {
                succeeded = true;
            } catch {}
        }
        if (succeeded) ++ghostCrossBrandActions;
    }

    // ----------------------------------------------------------------------------------------- views

    function designIds() external view returns (uint256[] memory) {
        return _designIds;
    }

    function holders() external view returns (address[] memory) {
        return _holders;
    }

    function twinCertificates() external view returns (uint256[4] memory) {
        return _twinCerts;
    }

    function designs() external view returns (Designs memory) {
        return _designs;
    }

    // ------------------------------------------------------------------------------------- internals

    /// @dev Whether `amount` more editions fit under the design's cap (open editions: until closing).
    function _fits(uint256 designId, uint256 amount) private view returns (bool) {
        IHallmarkGarments.Design memory d = garments.design(designId);
        return d.maxSupply == 0 || d.minted + amount <= d.maxSupply;
    }

    function _design(uint256 seed) private view returns (uint256) {
        return _designIds[seed % _designIds.length];
    }

    function _holder(uint256 seed) private view returns (address) {
        return _holders[seed % _holders.length];
    }

    function _issuerOf(uint256 designId) private view returns (address signer) {
        (signer, ) = _issuerKeyOf(designId);
    }

    function _issuerKeyOf(uint256 designId) private view returns (address signer, uint256 key) {
        key = garments.design(designId).brandId == 1 ? _keys.issuerA : _keys.issuerB;
        signer = vm.addr(key);
    }

    /// @dev Every role holder of the brand that is not `brandId`.
    function _actorOfOtherBrand(uint32 brandId, uint256 seed) private view returns (address, uint256) {
        uint256 key;
        if (brandId == 1) {
            uint256 i = seed % 3;
            key =
                i == 0
                    ? _keys.issuerB
                    : i == 1
                        ? _keys.adminB
                        : _keys.partnerB;
        } else {
            uint256 i = seed % 4;
            key =
                i == 0
                    ? _keys.issuerA
                    : i == 1
                        ? _keys.adminA
                        : i == 2
                            ? _keys.partnerA
                            : _keys.repairerA;
        }
        return (vm.addr(key), key);
    }

    function _designInput() private pure returns (IHallmarkGarments.DesignInput memory input) {
        input.maxSupply = 1;
        input.metadataDigest = keccak256("cross-brand design");
    }

    function _hash(IHallmarkGarments.Voucher memory v) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256(
                        "Voucher(uint256 designId,address buyer,uint32 amount,uint256 price,uint64 deadline,bytes32 nonce)"
                    ),
                    v.designId,
                    v.buyer,
                    v.amount,
                    v.price,
                    v.deadline,
                    v.nonce
                )
            );
    }

    function _sign(uint256 key, IHallmarkGarments.Voucher memory v) private view returns (bytes memory) {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("Hallmark Garments"),
                keccak256("1"),
                block.chainid,
                address(garments)
            )
        );
        (uint8 v_, bytes32 r, bytes32 s) = vm.sign(
            key,
            keccak256(abi.encodePacked("\x19\x01", domainSeparator, _hash(v)))
        );
        return abi.encodePacked(r, s, v_);
    }
}
