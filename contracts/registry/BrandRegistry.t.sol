// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

// Test names follow the Foundry convention test_fn_condition / testFuzz_fn_condition.
// solhint-disable func-name-mixedcase

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";
import {HallmarkFixture} from "../test-utils/HallmarkFixture.sol";
import {BrandRoles} from "./BrandRoles.sol";

/// @notice Property tests of BrandRegistry: roles are scoped to one brand, only the right authority manages
/// them, and brand settings stay within bounds.
contract BrandRegistryTest is HallmarkFixture {
    function setUp() public {
        _deployHallmark();
    }

    // ------------------------------------------------------------------------------------ brand scoping

    /// Any mix of brand A roles never manages brand B: grant, revoke, pause, unpause, settings, compromise.
    function testFuzz_brandBManagement_revertsForRoleHoldersOfBrandA(
        address account,
        uint8 roleMask,
        uint8 action,
        uint8 targetRole,
        address target
    ) public {
        vm.assume(account != address(0) && target != address(0));
        vm.assume(!_hasAnyPower(BRAND_B, account));
        _grantRolesOfBrandA(account, roleMask);
        uint256 which = uint256(action) % 9;
        if (which == 3) {
            vm.prank(adminB); // unpausing needs a paused brand
            registry.pauseBrand(BRAND_B, "audit");
        }
        bytes memory expected = _missingRole(BRAND_B, BRAND_ADMIN, account);
        bytes32 role = _role(targetRole);

        vm.startPrank(account);
        vm.expectRevert(expected);
        if (which == 0) registry.grantBrandRole(BRAND_B, role, target);
        else if (which == 1) registry.revokeBrandRole(BRAND_B, role, issuerB);
        else if (which == 2) registry.pauseBrand(BRAND_B, "hostile pause");
        else if (which == 3) registry.unpauseBrand(BRAND_B);
        else if (which == 4) registry.updateBrand(BRAND_B, "Fake B", "ipfs://fake");
        else if (which == 5) registry.setBrandVault(BRAND_B, target);
        else if (which == 6) registry.setBrandRoyalty(BRAND_B, target, 10_000);
        else if (which == 7) registry.declareIssuerCompromised(BRAND_B, issuerB, 0);
        else registry.revokeBrandRole(BRAND_B, BRAND_ADMIN, adminB);
        vm.stopPrank();

        vm.assertTrue(registry.hasBrandRole(BRAND_B, ISSUER, issuerB), "brand B issuer kept");
        vm.assertTrue(registry.hasBrandRole(BRAND_B, BRAND_ADMIN, adminB), "brand B admin kept");
        vm.assertFalse(
            registry.hasBrandRole(BRAND_B, role, target) && target != issuerB && target != adminB,
            "no grant"
        );
    }

    /// A role granted for one brand is visible for that brand only, and checkBrandRole agrees.
    function testFuzz_grantBrandRole_scopesTheRoleToOneBrand(address account, uint8 roleSeed) public {
        vm.assume(account != address(0) && !_hasAnyPower(BRAND_B, account));
        bytes32 role = _role(roleSeed);
        vm.prank(groupAdmin);
        registry.grantBrandRole(BRAND_A, role, account);

        vm.assertTrue(registry.hasBrandRole(BRAND_A, role, account), "held for brand A");
        vm.assertFalse(registry.hasBrandRole(BRAND_B, role, account), "not held for brand B");
        registry.checkBrandRole(BRAND_A, role, account);
        vm.expectRevert(_missingRole(BRAND_B, role, account));
        registry.checkBrandRole(BRAND_B, role, account);
    }

    /// Pausing one brand never pauses another, and the pause shows in checkBrandRole.
    function testFuzz_pauseBrand_pausesOnlyThatBrand(bool pauseB) public {
        uint32 paused = pauseB ? BRAND_B : BRAND_A;
        uint32 other = pauseB ? BRAND_A : BRAND_B;
        vm.prank(_adminOf(paused));
        registry.pauseBrand(paused, "issuer key leaked");

        vm.assertTrue(registry.isBrandPaused(paused), "paused");
        vm.assertFalse(registry.isBrandPaused(other), "other brand running");
        registry.checkBrandRole(other, ISSUER, _issuerOf(other));
        vm.expectRevert(abi.encodeWithSelector(IBrandRegistry.HallmarkBrandPaused.selector, paused));
        registry.checkBrandRole(paused, ISSUER, _issuerOf(paused));
    }

    // ---------------------------------------------------------------------------------- role authority

    /// Only the brand's admins and the group admin grant its operational roles.
    function testFuzz_grantBrandRole_revertsForCallerWithoutAuthority(
        address caller,
        bool brandB,
        uint8 roleSeed,
        address account
    ) public {
        uint32 brandId = brandB ? BRAND_B : BRAND_A;
        vm.assume(caller != groupAdmin && !registry.hasBrandRole(brandId, BRAND_ADMIN, caller));
        vm.prank(caller);
        vm.expectRevert(_missingRole(brandId, BRAND_ADMIN, caller));
        registry.grantBrandRole(brandId, _role(roleSeed), account);
    }

    /// A (possibly phished) brand admin cannot mint more brand admins, nor remove the others.
    function testFuzz_grantBrandRole_revertsWhenBrandAdminManagesAdmins(bool brandB, address account) public {
        uint32 brandId = brandB ? BRAND_B : BRAND_A;
        address admin = _adminOf(brandId);
        vm.startPrank(admin);
        vm.expectRevert(_missingRole(brandId, BRAND_ADMIN, admin));
        registry.grantBrandRole(brandId, BRAND_ADMIN, account);
        vm.expectRevert(_missingRole(brandId, BRAND_ADMIN, admin));
        registry.revokeBrandRole(brandId, BRAND_ADMIN, account);
        vm.stopPrank();
    }

    function testFuzz_grantBrandRole_revertsForUnknownRole(bytes32 role) public {
        // Every per-brand role, TAG_ORACLE included (the fuzzer finds its constant in the bytecode).
        vm.assume(!BrandRoles.isBrandRole(role));
        vm.prank(groupAdmin);
        vm.expectRevert(abi.encodeWithSelector(IBrandRegistry.HallmarkUnknownRole.selector, role));
        registry.grantBrandRole(BRAND_A, role, alice);
    }

    function testFuzz_grantBrandRole_revertsForUnknownBrand(uint32 brandId, uint8 roleSeed) public {
        vm.assume(brandId != BRAND_A && brandId != BRAND_B);
        vm.prank(groupAdmin);
        vm.expectRevert(abi.encodeWithSelector(IBrandRegistry.HallmarkUnknownBrand.selector, brandId));
        registry.grantBrandRole(brandId, _role(roleSeed), alice);
    }

    function testFuzz_registerBrand_revertsForCallerOtherThanGroupAdmin(address caller) public {
        vm.assume(caller != groupAdmin);
        vm.prank(caller);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                caller,
                bytes32(0) // DEFAULT_ADMIN_ROLE: the group admin
            )
        );
        registry.registerBrand("Maison C", "ipfs://brand-c", caller, caller, caller, 0);
    }

    // ----------------------------------------------------------------------------------- brand settings

    function testFuzz_registerBrand_acceptsRoyaltyUpToTenThousandBps(uint96 royaltyBps) public {
        vm.prank(groupAdmin);
        if (royaltyBps > 10_000) {
            vm.expectRevert(
                abi.encodeWithSelector(IBrandRegistry.HallmarkInvalidRoyalty.selector, royaltyBps)
            );
            registry.registerBrand("Maison C", "ipfs://brand-c", alice, alice, alice, royaltyBps);
            return;
        }
        uint32 brandId = registry.registerBrand(
            "Maison C",
            "ipfs://brand-c",
            alice,
            alice,
            alice,
            royaltyBps
        );
        (address receiver, uint96 bps) = registry.royaltyOf(brandId);
        vm.assertEq(receiver, alice, "receiver");
        vm.assertEq(bps, royaltyBps, "bps");
        vm.assertEq(brandId, 3, "ids count from 1");
        vm.assertTrue(registry.hasBrandRole(brandId, BRAND_ADMIN, alice), "admin granted");
    }

    /// A second declaration only ever widens the suspect window, and the key always loses its issuer role.
    function testFuzz_declareIssuerCompromised_onlyWidensTheWindow(
        uint64 first,
        uint64 second,
        uint64 head
    ) public {
        head = uint64(2 + (head % 1_000_000));
        vm.roll(head);
        first = first % (head + 1);
        second = second % (head + 1);
        uint64 expectedFirst = first == 0 ? 1 : first;
        uint64 expectedSecond = second == 0 ? 1 : second;

        vm.startPrank(adminA);
        registry.declareIssuerCompromised(BRAND_A, issuerA, first);
        vm.assertEq(registry.compromisedSince(BRAND_A, issuerA), expectedFirst, "first window");
        vm.assertFalse(registry.hasBrandRole(BRAND_A, ISSUER, issuerA), "issuer role revoked");
        registry.declareIssuerCompromised(BRAND_A, issuerA, second);
        vm.stopPrank();

        uint64 widest = expectedSecond < expectedFirst ? expectedSecond : expectedFirst;
        vm.assertEq(registry.compromisedSince(BRAND_A, issuerA), widest, "widest window kept");
        vm.assertEq(registry.compromisedSince(BRAND_B, issuerA), 0, "other brand unaffected");
    }

    /// A key declared compromised stays out: no one, not even the group admin, can make it an issuer again
    /// for that brand; other roles, and the other brand, are unaffected.
    function testFuzz_grantBrandRole_revertsForCompromisedIssuerKey(
        bool byGroupAdmin,
        uint64 fromBlock
    ) public {
        vm.roll(1_000);
        fromBlock = fromBlock % 1_001;
        vm.prank(adminA);
        registry.declareIssuerCompromised(BRAND_A, issuerA, fromBlock);
        address granter = byGroupAdmin ? groupAdmin : adminA;

        vm.prank(granter);
        vm.expectRevert(
            abi.encodeWithSelector(IBrandRegistry.HallmarkIssuerKeyCompromised.selector, BRAND_A, issuerA)
        );
        registry.grantBrandRole(BRAND_A, ISSUER, issuerA);

        vm.prank(granter);
        registry.grantBrandRole(BRAND_A, REPAIRER, issuerA);
        vm.prank(groupAdmin);
        registry.grantBrandRole(BRAND_B, ISSUER, issuerA);
        vm.assertTrue(registry.hasBrandRole(BRAND_B, ISSUER, issuerA), "issuer of the other brand");
    }

    function testFuzz_declareIssuerCompromised_revertsForFutureBlock(uint64 fromBlock) public {
        vm.roll(100);
        vm.assume(fromBlock > 100);
        vm.prank(adminA);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBrandRegistry.HallmarkCompromiseInFuture.selector,
                fromBlock,
                uint256(100)
            )
        );
        registry.declareIssuerCompromised(BRAND_A, issuerA, fromBlock);
    }

    // -------------------------------------------------------------------------------------- helpers

    function _grantRolesOfBrandA(address account, uint8 roleMask) private {
        uint256 mask = 1 + (uint256(roleMask) % 15); // at least one role
        vm.startPrank(groupAdmin);
        for (uint256 i; i < 4; ++i) {
            if (mask & (1 << i) != 0) registry.grantBrandRole(BRAND_A, _role(i), account);
        }
        vm.stopPrank();
    }

    function _missingRole(uint32 brandId, bytes32 role, address account) private pure returns (bytes memory) {
        return
            abi.encodeWithSelector(IBrandRegistry.HallmarkMissingBrandRole.selector, brandId, role, account);
    }
}
