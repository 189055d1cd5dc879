// SPDX-License-Identifier: Apache-2.0
// Fuzz tests and the invariant campaign share one file and one fixture.
// solhint-disable one-contract-per-file
pragma solidity ^0.8.28;

// Test names follow the Foundry convention test_fn_condition / testFuzz_fn_condition / invariant_….
// solhint-disable func-name-mixedcase

import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";
import {IHallmarkGarments} from "../interfaces/IHallmarkGarments.sol";
import {HallmarkGarments} from "./HallmarkGarments.sol";
import {HallmarkFixture} from "../test-utils/HallmarkFixture.sol";
import {GarmentsHandler, GarmentTwinTree} from "../test-utils/GarmentsHandler.sol";

/// @notice What the garment tests share: the two-brand deployment plus the garments contract, the private keys
/// of the fixture's accounts (HallmarkFixture derives each from its name) and an independent EIP-712 signer.
abstract contract GarmentsFixture is HallmarkFixture {
    HallmarkGarments internal garments;

    function _deployGarments() internal {
        _deployHallmark();
        garments = new HallmarkGarments(registry, certificate);
        // This contract deployed the certificates, so it may link the twin contract, as the Ignition module does.
        certificate.setTwinContract(address(garments));
        vm.label(address(garments), "HallmarkGarments");
    }

    function _key(string memory name) internal pure returns (uint256) {
        return uint256(keccak256(bytes(name)));
    }

    function _input(uint32 maxSupply) internal pure returns (IHallmarkGarments.DesignInput memory input) {
        input.maxSupply = maxSupply;
        input.metadataDigest = keccak256(abi.encode("garment", maxSupply));
    }

    function _createDesign(
        uint32 brandId,
        IHallmarkGarments.DesignInput memory input
    ) internal returns (uint256) {
        vm.prank(_issuerOf(brandId));
        return garments.createDesign(brandId, input);
    }

    function _voucher(
        uint256 designId,
        address buyer,
        uint32 amount,
        uint256 price,
        bytes32 nonce
    ) internal view returns (IHallmarkGarments.Voucher memory) {
        return
            IHallmarkGarments.Voucher({
                designId: designId,
                buyer: buyer,
                amount: amount,
                price: price,
                deadline: uint64(block.timestamp + 1 days),
                nonce: nonce
            });
    }

    function _voucherHash(IHallmarkGarments.Voucher memory v) internal pure returns (bytes32) {
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

    function _signVoucher(
        uint256 key,
        IHallmarkGarments.Voucher memory v
    ) internal view returns (bytes memory) {
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
            keccak256(abi.encodePacked("\x19\x01", domainSeparator, _voucherHash(v)))
        );
        return abi.encodePacked(r, s, v_);
    }

    function _one(address account) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = account;
    }

    function _one(uint256 value) internal pure returns (uint256[] memory list) {
        list = new uint256[](1);
        list[0] = value;
    }
}

/// @notice Property tests of HallmarkGarments: a voucher works once, editions never pass the cap, a twin is
/// claimed at most once per certificate, locked editions never move, and a brand's roles never act on another
/// brand's designs.
contract HallmarkGarmentsTest is GarmentsFixture {
    function setUp() public {
        _deployGarments();
    }

    // ---------------------------------------------------------------------------------------- vouchers

    /// Whoever presents it the second time (the named buyer, or anyone for an open voucher), and whatever the
    /// price, a redeemed voucher is refused and the brand is paid once.
    function testFuzz_redeemVoucher_worksOnce(
        uint8 amountSeed,
        uint64 price,
        bytes32 nonce,
        bool open,
        address secondCaller
    ) public {
        vm.assume(secondCaller != address(0));
        uint256 designId = _createDesign(BRAND_A, _input(1_000));
        uint32 amount = uint32(1 + (amountSeed % 100));
        IHallmarkGarments.Voucher memory v = _voucher(
            designId,
            open ? address(0) : alice,
            amount,
            price,
            nonce
        );
        bytes memory signature = _signVoucher(_key("issuerA"), v);
        address second = open ? secondCaller : alice;
        vm.deal(alice, price);

        vm.prank(alice);
        garments.redeemVoucher{value: price}(v, issuerA, signature);
        vm.assertEq(garments.balanceOf(alice, designId), amount, "editions minted");

        vm.deal(second, price);

        vm.prank(second);
        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkGarments.HallmarkVoucherUsed.selector, _voucherHash(v))
        );
        garments.redeemVoucher{value: price}(v, issuerA, signature);

        vm.assertEq(garments.design(designId).minted, amount, "minted once");
        vm.assertEq(garments.proceedsOf(designId), price, "paid once");
        vm.assertTrue(garments.voucherUsed(BRAND_A, nonce), "marked used");
    }

    /// A voucher signed for one garments contract is worthless on another deployment with the same designs.
    function testFuzz_redeemVoucher_revertsOnAnotherContract(bytes32 nonce) public {
        uint256 designId = _createDesign(BRAND_A, _input(10));
        HallmarkGarments other = new HallmarkGarments(registry, certificate);
        vm.prank(issuerA);
        other.createDesign(BRAND_A, _input(10));
        IHallmarkGarments.Voucher memory v = _voucher(designId, alice, 1, 0, nonce);
        bytes memory signature = _signVoucher(_key("issuerA"), v);

        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkGarments.HallmarkInvalidVoucherSignature.selector, issuerA)
        );
        other.redeemVoucher(v, issuerA, signature);
    }

    // --------------------------------------------------------------------------------------------- cap

    /// Direct mints and a voucher share one cap: each either fits and mints, or reverts with the exact counts.
    function testFuzz_mintAndRedeem_neverExceedTheCap(
        uint16 capSeed,
        uint16 mintSeed,
        uint16 voucherSeed
    ) public {
        uint32 cap = uint32(1 + (capSeed % 500));
        uint256 mintAmount = 1 + (mintSeed % 600);
        uint32 voucherAmount = uint32(1 + (voucherSeed % 600));
        uint256 designId = _createDesign(BRAND_A, _input(cap));

        vm.prank(issuerA);
        if (mintAmount > cap) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IHallmarkGarments.HallmarkEditionSoldOut.selector,
                    designId,
                    0,
                    mintAmount,
                    cap
                )
            );
        }
        garments.mintEditions(designId, _one(bob), _one(mintAmount));
        uint256 minted = mintAmount > cap ? 0 : mintAmount;

        IHallmarkGarments.Voucher memory v = _voucher(designId, alice, voucherAmount, 0, bytes32(0));
        bytes memory signature = _signVoucher(_key("issuerA"), v);
        vm.prank(alice);
        if (minted + voucherAmount > cap) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IHallmarkGarments.HallmarkEditionSoldOut.selector,
                    designId,
                    minted,
                    voucherAmount,
                    cap
                )
            );
        }
        garments.redeemVoucher(v, issuerA, signature);
        if (minted + voucherAmount <= cap) minted += voucherAmount;

        vm.assertEq(garments.design(designId).minted, minted, "minted");
        vm.assertTrue(garments.design(designId).minted <= cap, "cap");
        vm.assertEq(
            garments.balanceOf(alice, designId) + garments.balanceOf(bob, designId),
            minted,
            "supply"
        );
    }

    // ------------------------------------------------------------------------------------------- twins

    /// The twin of a certificate is claimed once: neither its owner again nor its next owner gets another.
    function testFuzz_claimTwin_atMostOncePerCertificate(bytes32 serialHash, address nextOwner) public {
        vm.assume(serialHash != bytes32(0));
        vm.assume(nextOwner != address(0) && nextOwner != alice && nextOwner.code.length == 0);
        uint256 certificateId = _issue(BRAND_A, alice, serialHash);
        IHallmarkGarments.DesignInput memory input = _input(100);
        input.twinCollectionRoot = GarmentTwinTree.leaf(0, certificateId);
        uint256 designId = _createDesign(BRAND_A, input);
        bytes32[] memory proof = new bytes32[](0);
        bytes memory alreadyClaimed = abi.encodeWithSelector(
            IHallmarkGarments.HallmarkTwinAlreadyClaimed.selector,
            designId,
            certificateId
        );

        vm.prank(alice);
        garments.claimTwin(designId, certificateId, 0, proof);

        vm.prank(alice);
        vm.expectRevert(alreadyClaimed);
        garments.claimTwin(designId, certificateId, 0, proof);

        vm.prank(alice);
        certificate.transferFrom(alice, nextOwner, certificateId);
        vm.prank(nextOwner);
        vm.expectRevert(alreadyClaimed);
        garments.claimTwin(designId, certificateId, 0, proof);

        vm.assertEq(garments.design(designId).minted, 1, "one twin");
        vm.assertEq(garments.balanceOf(alice, designId), 1, "held by the first owner");
        vm.assertEq(
            certificate.getTraitValue(certificateId, certificate.TRAIT_TWINS_CLAIMED()),
            bytes32(uint256(1)),
            "the certificate counts one twin"
        );
    }

    // ------------------------------------------------------------------------------------------ locked

    /// Whoever sends (holder or operator), however much, to whomever, singly or in a batch: locked editions stay.
    function testFuzz_lockedEditions_neverMove(address to, uint8 amountSeed, uint8 mode) public {
        vm.assume(to != address(0));
        IHallmarkGarments.DesignInput memory input = _input(100);
        input.locked = true;
        uint256 lockedId = _createDesign(BRAND_A, input);
        uint256 freeId = _createDesign(BRAND_A, _input(100));
        vm.startPrank(issuerA);
        garments.mintEditions(lockedId, _one(alice), _one(5));
        garments.mintEditions(freeId, _one(alice), _one(5));
        vm.stopPrank();
        uint256 amount = amountSeed % 6;
        bool viaOperator = mode % 2 == 1;
        bool batch = (mode / 2) % 2 == 1;
        if (viaOperator) {
            vm.prank(alice);
            garments.setApprovalForAll(bob, true);
        }
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (freeId, lockedId);
        uint256[] memory values = new uint256[](2);
        (values[0], values[1]) = (1, amount);

        vm.prank(viaOperator ? bob : alice);
        vm.expectRevert(abi.encodeWithSelector(IHallmarkGarments.HallmarkGarmentLocked.selector, lockedId));
        if (batch) garments.safeBatchTransferFrom(alice, to, ids, values, "");
        else garments.safeTransferFrom(alice, to, lockedId, amount, "");

        vm.assertEq(garments.balanceOf(alice, lockedId), 5, "the holder keeps the locked editions");
        vm.assertEq(garments.balanceOf(alice, freeId), 5, "nothing of the batch moved");
    }

    // ------------------------------------------------------------------------------------------ brands

    /// Every role holder of one brand is refused every power over the other brand's designs, proceeds and URIs.
    function testFuzz_roles_neverActOnAnotherBrandsDesigns(uint8 actorSeed, uint8 action, bool aOnB) public {
        uint32 target = aOnB ? BRAND_B : BRAND_A;
        uint256 designId = _createDesign(target, _input(10));
        _sellOne(target, designId);
        (address actor, uint256 key) = _roleHolderOfOtherBrand(target, actorSeed);
        IHallmarkGarments.Voucher memory v = _voucher(designId, actor, 1, 0, keccak256("cross"));
        bytes memory signature = _signVoucher(key, v);
        IHallmarkGarments.DesignInput memory input = _input(1);

        uint256 kind = action % 5;
        bytes memory expected =
            kind == 3
                ? abi.encodeWithSelector(IHallmarkGarments.HallmarkInvalidVoucherSignature.selector, actor)
                : abi.encodeWithSelector(
                    IBrandRegistry.HallmarkMissingBrandRole.selector,
                    target,
                    kind < 2 ? ISSUER : BRAND_ADMIN,
                    actor
                );
        vm.prank(actor);
        vm.expectRevert(expected);
        if (kind == 0) garments.mintEditions(designId, _one(actor), _one(1));
        else if (kind == 1) garments.createDesign(target, input);
        else if (kind == 2) garments.setURIBase(target, "ipfs://hijacked/");
        else if (kind == 3) garments.redeemVoucher(v, actor, signature);
        else garments.withdrawProceeds(target, _one(designId), payable(actor));

        vm.assertEq(garments.proceedsOf(designId), 1 ether, "proceeds untouched");
        vm.assertEq(garments.design(designId).minted, 1, "nothing minted");
    }

    function _sellOne(uint32 brandId, uint256 designId) private {
        IHallmarkGarments.Voucher memory v = _voucher(designId, bob, 1, 1 ether, keccak256("sale"));
        bytes memory signature = _signVoucher(_key(brandId == BRAND_A ? "issuerA" : "issuerB"), v);
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        garments.redeemVoucher{value: 1 ether}(v, _issuerOf(brandId), signature);
    }

    function _roleHolderOfOtherBrand(uint32 target, uint256 seed) private pure returns (address, uint256) {
        string memory name;
        if (target == BRAND_B) {
            uint256 i = seed % 4;
            name =
                i == 0
                    ? "adminA"
                    : i == 1
                        ? "issuerA"
                        : i == 2
                            ? "partnerA"
                            : "repairerA";
        } else {
            uint256 i = seed % 3;
            name =
                i == 0
                    ? "adminB"
                    : i == 1
                        ? "issuerB"
                        : "partnerB";
        }
        uint256 key = _key(name);
        return (vm.addr(key), key);
    }
}

/// @notice Stateful properties of the garments under any sequence of direct mints, fresh and replayed vouchers,
/// twin claims (by first and next owners), transfers of locked and free editions, burns, and cross-brand attempts.
contract HallmarkGarmentsInvariantsTest is GarmentsFixture {
    GarmentsHandler private handler;
    address private carol = vm.addr(uint256(keccak256("carol")));

    function setUp() public {
        _deployGarments();
        address[] memory holders = new address[](3);
        (holders[0], holders[1], holders[2]) = (alice, bob, carol);

        uint256[4] memory certs;
        for (uint256 i; i < 4; ++i) {
            certs[i] = _issue(
                BRAND_A,
                holders[i % 3],
                _serialHash(string(abi.encodePacked("TWIN-", bytes1(uint8(48 + i)))))
            );
        }

        GarmentsHandler.Designs memory designs;
        designs.cappedA = _createDesign(BRAND_A, _input(20));
        IHallmarkGarments.DesignInput memory lockedInput = _input(10);
        (lockedInput.locked, lockedInput.redeemable) = (true, true);
        designs.lockedA = _createDesign(BRAND_A, lockedInput);
        designs.cappedB = _createDesign(BRAND_B, _input(15));
        IHallmarkGarments.DesignInput memory twinInput = _input(3);
        twinInput.twinCollectionRoot = GarmentTwinTree.root(certs);
        designs.twinA = _createDesign(BRAND_A, twinInput);
        IHallmarkGarments.DesignInput memory openInput = _input(0);
        openInput.closesAt = uint64(block.timestamp + 365 days);
        designs.openB = _createDesign(BRAND_B, openInput);

        GarmentsHandler.Keys memory keys = GarmentsHandler.Keys({
            issuerA: _key("issuerA"),
            issuerB: _key("issuerB"),
            adminA: _key("adminA"),
            adminB: _key("adminB"),
            partnerA: _key("partnerA"),
            repairerA: _key("repairerA"),
            partnerB: _key("partnerB")
        });
        handler = new GarmentsHandler(garments, certificate, designs, keys, holders, certs);
        vm.label(address(handler), "GarmentsHandler");
    }

    /// @notice The runner fuzzes calls to these contracts only (forge-std's StdInvariant reads the same hook).
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// No design ever holds more editions than its cap, whatever mix of direct mints, vouchers and twin claims
    /// landed; the contract's count is the handler's, and the holders' balances plus burns add up to it.
    function invariant_mintedNeverExceedsCap() public view {
        vm.assertEq(handler.ghostOverCapMints(), 0, "a mint passed the cap");
        vm.assertEq(handler.ghostUnexpectedRefusals(), 0, "a mint under the cap was refused");
        uint256[] memory ids = handler.designIds();
        address[] memory holders = handler.holders();
        for (uint256 i; i < ids.length; ++i) {
            IHallmarkGarments.Design memory d = garments.design(ids[i]);
            if (d.maxSupply != 0) vm.assertTrue(d.minted <= d.maxSupply, "minted above the cap");
            vm.assertEq(
                d.minted,
                handler.ghostMinted(ids[i]),
                "minted count differs from the mints that landed"
            );
            uint256 supply = d.burned;
            for (uint256 j; j < holders.length; ++j) supply += garments.balanceOf(holders[j], ids[i]);
            vm.assertEq(supply, d.minted, "balances plus burns differ from minted");
        }
    }

    /// A voucher, replayed by its buyer or by anyone, never mints twice.
    function invariant_voucherWorksOnce() public view {
        vm.assertEq(handler.ghostVoucherReuses(), 0, "a voucher was redeemed twice");
    }

    /// Each certificate of the collection has at most one twin, whoever owned it when claiming; the contract's
    /// claimed flags, and the certificates' `twinsClaimed` trait on the other side of the link, are exactly the
    /// certificates whose claim landed.
    function invariant_twinClaimedAtMostOncePerCertificate() public view {
        vm.assertEq(handler.ghostDoubleTwins(), 0, "a certificate's twin was claimed twice");
        vm.assertEq(handler.twinsClaimed(), handler.ghostDistinctTwins(), "one landed claim per certificate");
        uint256 twinId = handler.designs().twinA;
        uint256[4] memory certs = handler.twinCertificates();
        bytes32 traitKey = certificate.TRAIT_TWINS_CLAIMED();
        for (uint256 i; i < 4; ++i) {
            bool claimed = handler.ghostTwinClaimed(certs[i]);
            vm.assertTrue(
                garments.twinClaimedAt(twinId, i) == claimed,
                "twinClaimed differs from the claims that landed"
            );
            vm.assertEq(
                certificate.getTraitValue(certs[i], traitKey),
                bytes32(uint256(claimed ? 1 : 0)),
                "the certificate's twinsClaimed trait differs from the claims that landed"
            );
        }
    }

    /// Editions of a locked design stay with the holder they were minted to, until burned.
    function invariant_lockedEditionsNeverMove() public view {
        vm.assertEq(handler.ghostLockedMoves(), 0, "a locked edition moved");
        uint256 lockedId = handler.designs().lockedA;
        address[] memory holders = handler.holders();
        for (uint256 i; i < holders.length; ++i) {
            vm.assertEq(
                garments.balanceOf(holders[i], lockedId),
                handler.ghostLockedReceived(holders[i]) - handler.ghostLockedBurned(holders[i]),
                "locked balance differs from what the holder received less what it burned"
            );
        }
    }

    /// No role holder of one brand minted, signed, created, withdrew or set URIs for the other brand.
    function invariant_rolesNeverActOnAnotherBrand() public view {
        vm.assertEq(handler.ghostCrossBrandActions(), 0, "a role acted on another brand's design");
        vm.assertEq(bytes(garments.uri(handler.designs().cappedA)).length, 0, "brand A URI base hijacked");
        vm.assertEq(bytes(garments.uri(handler.designs().cappedB)).length, 0, "brand B URI base hijacked");
    }

    /// The campaign must reach fresh and refused vouchers, twin claims and sold-out refusals, or the invariants
    /// above prove nothing.
    function test_handler_reachesEveryPath() public {
        handler.mint(0, 1, 2);
        handler.redeem(0, 0, 3, 1, false);
        handler.redeem(0, 0, 3, 1, false); // same voucher again
        handler.replay(0, 1);
        for (uint256 i; i < 4; ++i) handler.claimTwin(i); // cap 3: the fourth is sold out
        handler.moveCertificate(0, 1);
        handler.claimTwin(0); // the next owner
        handler.transfer(1, 0, 1, 1, false, false); // locked
        handler.redeemPhysical(0, 0);
        handler.crossBrand(0, 0, 0);
        handler.crossBrand(1, 2, 3);

        vm.assertEq(handler.vouchersRedeemed(), 1, "one voucher redeemed");
        vm.assertTrue(handler.vouchersRefused() >= 2, "repeats refused");
        vm.assertEq(handler.twinsClaimed(), 3, "three twins claimed");
        vm.assertTrue(handler.soldOutRefusals() >= 2, "sold out and already-claimed refusals");
        invariant_mintedNeverExceedsCap();
        invariant_voucherWorksOnce();
        invariant_twinClaimedAtMostOncePerCertificate();
        invariant_lockedEditionsNeverMove();
        invariant_rolesNeverActOnAnotherBrand();
    }
}
