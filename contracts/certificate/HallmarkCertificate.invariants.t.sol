// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

// Test names follow the Foundry convention invariant_… / test_fn_condition.
// solhint-disable func-name-mixedcase

import {HallmarkFixture} from "../test-utils/HallmarkFixture.sol";
import {IssuanceHandler} from "../test-utils/IssuanceHandler.sol";

/// @notice Stateful properties of issuance: after any sequence of single, batch, successor and unauthorized
/// issuances, there is exactly one certificate per (brand, serial hash) issued, and only issuers minted.
contract HallmarkCertificateInvariantsTest is HallmarkFixture {
    IssuanceHandler private handler;

    function setUp() public {
        _deployHallmark();
        address[] memory issuers = new address[](2);
        issuers[0] = issuerA;
        issuers[1] = issuerB;
        address[] memory holders = new address[](3);
        holders[0] = alice;
        holders[1] = bob;
        holders[2] = vaultA;
        handler = new IssuanceHandler(certificate, registry, issuers, holders);
        vm.label(address(handler), "IssuanceHandler");
    }

    /// @notice The runner fuzzes calls to these contracts only (forge-std's StdInvariant reads the same hook).
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// Each successful mint adds a (brand, serial hash) pair never seen before, and the contract's own
    /// balances add up to those mints.
    function invariant_mintsEqualDistinctBrandSerialPairs() public view {
        vm.assertEq(
            handler.ghostMints(),
            handler.ghostDistinctPairs(),
            "a (brand, serial) pair was minted twice"
        );
        address[] memory holders = handler.holders();
        uint256 total;
        for (uint256 i; i < holders.length; ++i) total += certificate.balanceOf(holders[i]);
        vm.assertEq(total, handler.ghostMints(), "balances differ from mints");
    }

    /// The contract accepted exactly the issuances the model expected (new serials, live predecessors),
    /// refused exactly the duplicates, and only the brand's issuers minted.
    function invariant_onlyValidIssuancesSucceed() public view {
        vm.assertEq(handler.ghostUnexpectedOutcomes(), 0, "an issuance outcome disagreed with the model");
        vm.assertEq(handler.ghostUnauthorizedMints(), 0, "a caller without the issuer role minted");
    }

    /// Once per run: every minted pair is an existing certificate of its brand, at the id of its serial hash.
    function afterInvariant() public view {
        uint256 n = handler.tokenCount();
        for (uint256 i; i < n; ++i) {
            (uint256 tokenId, uint32 brandId, bytes32 serialHash) = handler.tokenAt(i);
            vm.assertEq(tokenId, certificate.tokenIdOf(brandId, serialHash), "token id of (brand, serial)");
            vm.assertEq(certificate.brandOf(tokenId), brandId, "brand of token");
            vm.assertTrue(certificate.ownerOf(tokenId) != address(0), "certificate exists");
        }
    }

    /// The campaign must reach both outcomes, or the invariants above prove nothing.
    function test_handler_reachesMintsAndDuplicates() public {
        handler.issue(0, 7, 0);
        handler.issueBatch(0, 1, 3, 1);
        handler.issue(0, 7, 2);
        handler.issueSuccessor(0, 11, false); // no consent: refused
        handler.issueSuccessor(0, 11, true);
        handler.issueSuccessor(0, 12, true); // retired already: refused
        handler.issueAsAnyone(alice, 1, 5);
        vm.assertTrue(handler.callsMinted() >= 3, "mints");
        vm.assertTrue(handler.callsReverted() >= 3, "reverts");
        vm.assertEq(handler.ghostUnexpectedOutcomes(), 0, "model");
        vm.assertEq(handler.ghostMints(), handler.ghostDistinctPairs(), "pairs");
    }
}
