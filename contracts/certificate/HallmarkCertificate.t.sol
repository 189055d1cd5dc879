// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

// Test names follow the Foundry convention test_fn_condition / testFuzz_fn_condition.
// solhint-disable func-name-mixedcase

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";
import {IHallmarkCertificate} from "../interfaces/IHallmarkCertificate.sol";
import {HallmarkFixture} from "../test-utils/HallmarkFixture.sol";

/// @notice Property tests of HallmarkCertificate: one certificate per (brand, serial), issuance by the brand's
/// issuers only, locked certificates don't move, claim codes work once, roles never cross brands.
contract HallmarkCertificateTest is HallmarkFixture {
    uint256 private constant CLAIM_DEADLINE = 1 days;

    /// @dev Kinds of status paths that lock a certificate.
    uint256 private constant PATH_STOLEN_BY_OWNER = 0;
    uint256 private constant PATH_STOLEN_BY_BRAND_ADMIN = 1;
    uint256 private constant PATH_REVOKED = 2;
    uint256 private constant PATH_STOLEN_THEN_REVOKED = 3;
    uint256 private constant PATH_SUPERSEDED = 4;
    uint256 private constant PATH_COUNT = 5;

    /// @dev Ways a certificate can be moved.
    uint256 private constant MOVE_TRANSFER_FROM = 0;
    uint256 private constant MOVE_SAFE_TRANSFER_FROM = 1;
    uint256 private constant MOVE_SAFE_TRANSFER_FROM_WITH_DATA = 2;
    uint256 private constant MOVE_BY_APPROVED_OPERATOR = 3;
    uint256 private constant MOVE_CLAIM_WITH_CODE = 4;
    uint256 private constant MOVE_AUTHENTICATED_RESALE = 5;
    uint256 private constant MOVE_COUNT = 6;

    function setUp() public {
        _deployHallmark();
    }

    // ------------------------------------------------------------------------------------------ issue

    function test_issue_mintsTheTokenIdOfBrandAndSerial() public {
        bytes32 serialHash = _serialHash("A-0001");
        uint256 tokenId = _issue(BRAND_A, alice, serialHash);

        vm.assertEq(tokenId, (uint256(BRAND_A) << 224) | uint224(uint256(serialHash)), "token id layout");
        vm.assertEq(tokenId, certificate.tokenIdOf(BRAND_A, serialHash), "tokenIdOf");
        vm.assertEq(certificate.ownerOf(tokenId), alice, "owner");
        vm.assertEq(certificate.brandOf(tokenId), BRAND_A, "brand");
    }

    /// Whatever the second issuance changes (recipient, metadata, chip, claim key), the (brand, serial) pair
    /// is taken.
    function testFuzz_issue_revertsOnSecondIssueOfSameSerial(
        bool brandB,
        bytes32 serialHash,
        address firstRecipient,
        address secondRecipient,
        bytes32 secondDigest,
        address secondChip
    ) public {
        vm.assume(serialHash != bytes32(0) && secondDigest != bytes32(0));
        vm.assume(firstRecipient.code.length == 0 && firstRecipient != address(0));
        vm.assume(secondRecipient.code.length == 0 && secondRecipient != address(0));
        uint32 brandId = brandB ? BRAND_B : BRAND_A;
        uint256 tokenId = _issue(brandId, firstRecipient, serialHash);

        IHallmarkCertificate.CertificateInput memory again = IHallmarkCertificate.CertificateInput({
            serialHash: serialHash,
            metadataDigest: secondDigest,
            chip: secondChip,
            claimKey: secondChip
        });
        vm.prank(_issuerOf(brandId));
        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkCertificate.HallmarkDuplicateCertificate.selector, tokenId)
        );
        certificate.issue(brandId, secondRecipient, again);

        vm.assertEq(certificate.ownerOf(tokenId), firstRecipient, "first certificate untouched");
    }

    /// The same serial under another brand is another piece: both certificates exist, with distinct ids.
    function testFuzz_issue_allowsSameSerialUnderAnotherBrand(bytes32 serialHash) public {
        vm.assume(serialHash != bytes32(0));
        uint256 idA = _issue(BRAND_A, alice, serialHash);
        uint256 idB = _issue(BRAND_B, bob, serialHash);

        vm.assertTrue(idA != idB, "distinct token ids");
        vm.assertEq(certificate.ownerOf(idA), alice, "brand A owner");
        vm.assertEq(certificate.ownerOf(idB), bob, "brand B owner");
    }

    /// The token id keeps the low 224 bits of the serial hash: two hashes that differ only above them name the
    /// same certificate, so the second is refused rather than silently aliased.
    function testFuzz_issue_revertsOnSerialHashSharingTheTokenId(bytes32 serialHash, uint32 highBits) public {
        vm.assume(uint224(uint256(serialHash)) != 0 && highBits != uint32(uint256(serialHash) >> 224));
        bytes32 twin = bytes32((uint256(highBits) << 224) | uint224(uint256(serialHash)));
        uint256 tokenId = _issue(BRAND_A, alice, serialHash);

        vm.prank(issuerA);
        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkCertificate.HallmarkDuplicateCertificate.selector, tokenId)
        );
        certificate.issue(BRAND_A, bob, _item(twin));
    }

    function testFuzz_issueBatch_revertsOnDuplicateWithinBatch(
        bytes32 seed,
        uint8 size,
        uint256 first,
        uint256 second
    ) public {
        uint256 n = 2 + (size % 15);
        first %= n;
        second %= n;
        vm.assume(first != second);
        IHallmarkCertificate.CertificateInput[] memory items = _batch(seed, n);
        items[second] = items[first];
        uint256 tokenId = certificate.tokenIdOf(BRAND_A, items[first].serialHash);

        vm.prank(issuerA);
        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkCertificate.HallmarkDuplicateCertificate.selector, tokenId)
        );
        certificate.issueBatch(BRAND_A, vaultA, items);

        vm.assertEq(certificate.balanceOf(vaultA), 0, "nothing minted");
    }

    function testFuzz_issueBatch_revertsOnSerialIssuedEarlier(
        bytes32 seed,
        uint8 size,
        uint256 position
    ) public {
        uint256 n = 1 + (size % 16);
        IHallmarkCertificate.CertificateInput[] memory items = _batch(seed, n);
        uint256 tokenId = _issue(BRAND_A, alice, items[position % n].serialHash);

        vm.prank(issuerA);
        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkCertificate.HallmarkDuplicateCertificate.selector, tokenId)
        );
        certificate.issueBatch(BRAND_A, vaultA, items);
    }

    function testFuzz_issueBatch_mintsEveryDistinctSerial(bytes32 seed, uint8 size) public {
        uint256 n = 1 + (size % 16);
        IHallmarkCertificate.CertificateInput[] memory items = _batch(seed, n);

        vm.prank(issuerA);
        certificate.issueBatch(BRAND_A, vaultA, items);

        vm.assertEq(certificate.balanceOf(vaultA), n, "one certificate per serial");
        for (uint256 i; i < n; ++i) {
            vm.assertEq(
                certificate.ownerOf(certificate.tokenIdOf(BRAND_A, items[i].serialHash)),
                vaultA,
                "owner"
            );
        }
    }

    /// Any caller without the issuer role of the brand, the other brand's issuer included.
    function testFuzz_issue_revertsForCallerWithoutIssuerRoleOfTheBrand(
        address caller,
        bool brandB,
        bytes32 serialHash
    ) public {
        uint32 brandId = brandB ? BRAND_B : BRAND_A;
        vm.assume(!registry.hasBrandRole(brandId, ISSUER, caller));

        vm.prank(caller);
        vm.expectRevert(_missingRole(brandId, ISSUER, caller));
        certificate.issue(brandId, alice, _item(serialHash));
    }

    function testFuzz_issue_revertsForIssuerOfAnotherBrand(bool brandB, bytes32 serialHash) public {
        uint32 brandId = brandB ? BRAND_B : BRAND_A;
        address otherIssuer = brandB ? issuerA : issuerB;

        vm.prank(otherIssuer);
        vm.expectRevert(_missingRole(brandId, ISSUER, otherIssuer));
        certificate.issue(brandId, alice, _item(serialHash));
    }

    function testFuzz_issueBatch_revertsForCallerWithoutIssuerRoleOfTheBrand(
        address caller,
        bool brandB,
        bytes32 seed
    ) public {
        uint32 brandId = brandB ? BRAND_B : BRAND_A;
        vm.assume(!registry.hasBrandRole(brandId, ISSUER, caller));

        vm.prank(caller);
        vm.expectRevert(_missingRole(brandId, ISSUER, caller));
        certificate.issueBatch(brandId, alice, _batch(seed, 3));
    }

    /// Successors, metadata updates: every issuer power of a brand needs that brand's issuer role.
    function testFuzz_issueSuccessorAndUpdateMetadata_revertForCallerWithoutIssuerRole(
        address caller,
        bool brandB,
        bytes32 serialHash
    ) public {
        uint32 brandId = brandB ? BRAND_B : BRAND_A;
        vm.assume(!registry.hasBrandRole(brandId, ISSUER, caller));
        uint256 tokenId = _issue(brandId, alice, _serialHash("S-0001"));

        vm.prank(caller);
        vm.expectRevert(_missingRole(brandId, ISSUER, caller));
        certificate.issueSuccessor(tokenId, _item(serialHash), "tag replaced");

        vm.prank(caller);
        vm.expectRevert(_missingRole(brandId, ISSUER, caller));
        certificate.updateMetadata(tokenId, serialHash);
    }

    /// A (possibly leaked) issuer key alone cannot retire a customer's certificate by issuing a successor.
    function testFuzz_issueSuccessor_revertsWithoutOwnerConsent(bytes32 serialHash, address owner) public {
        vm.assume(owner != address(0) && owner.code.length == 0 && owner != issuerA);
        uint256 tokenId = _issue(BRAND_A, owner, _serialHash("A-0001"));

        vm.prank(issuerA);
        vm.expectRevert(
            abi.encodeWithSelector(IERC721Errors.ERC721InsufficientApproval.selector, issuerA, tokenId)
        );
        certificate.issueSuccessor(tokenId, _item(serialHash), "tag replaced");
        vm.assertEq(
            uint256(certificate.statusOf(tokenId)),
            uint256(IHallmarkCertificate.Status.Active),
            "active"
        );
    }

    // ------------------------------------------------------------------------------------ locked moves

    /// An owner (or anyone they approved, or a claim code, or a resale partner) cannot move a Stolen or
    /// Revoked certificate, whatever the path that locked it.
    function testFuzz_transfer_revertsWhileStolenOrRevoked(address recipient, uint8 path, uint8 move) public {
        vm.assume(recipient != address(0) && recipient.code.length == 0);
        uint256 statusPath = path % PATH_COUNT;
        uint256 moveKind = move % MOVE_COUNT;
        uint256 claimKeyPk = _privateKey(uint256(keccak256(abi.encode(recipient, path))));
        IHallmarkCertificate.CertificateInput memory input = _item(_serialHash("A-0001"));
        input.claimKey = vm.addr(claimKeyPk);
        uint256 tokenId = _issue(BRAND_A, alice, input);
        // Permissions granted while the certificate was still Active.
        vm.prank(alice);
        certificate.setApprovalForAll(partnerA, true);

        IHallmarkCertificate.Status locked = _lock(tokenId, statusPath);
        vm.assertEq(uint256(certificate.statusOf(tokenId)), uint256(locked), "locked status");
        // A valid code signature (nonce 0: the key set at issuance): only the lock stops it.
        bytes memory claimSignature = _signClaim(claimKeyPk, tokenId, recipient, 0, block.timestamp);
        bytes memory lockedError = abi.encodeWithSelector(
            IHallmarkCertificate.HallmarkCertificateLocked.selector,
            tokenId,
            locked
        );

        vm.prank(
            moveKind == MOVE_BY_APPROVED_OPERATOR || moveKind == MOVE_AUTHENTICATED_RESALE ? partnerA : alice
        );
        vm.expectRevert(lockedError);
        if (moveKind == MOVE_TRANSFER_FROM || moveKind == MOVE_BY_APPROVED_OPERATOR) {
            certificate.transferFrom(alice, recipient, tokenId);
        } else if (moveKind == MOVE_SAFE_TRANSFER_FROM) {
            certificate.safeTransferFrom(alice, recipient, tokenId);
        } else if (moveKind == MOVE_SAFE_TRANSFER_FROM_WITH_DATA) {
            certificate.safeTransferFrom(alice, recipient, tokenId, "gift");
        } else if (moveKind == MOVE_CLAIM_WITH_CODE) {
            certificate.claimWithCode(tokenId, recipient, block.timestamp, claimSignature);
        } else {
            certificate.authenticatedResale(tokenId, recipient, keccak256("report"), 8);
        }

        vm.assertEq(certificate.ownerOf(tokenId), alice, "still alice's");
    }

    /// Once restored, a recovered certificate moves again.
    function testFuzz_transferFrom_movesAgainAfterRestore(address recipient, bool revoked) public {
        vm.assume(recipient != address(0) && recipient.code.length == 0);
        uint256 tokenId = _issue(BRAND_A, alice, _serialHash("A-0001"));
        _lock(tokenId, revoked ? PATH_REVOKED : PATH_STOLEN_BY_OWNER);
        vm.prank(adminA);
        certificate.restore(tokenId, "recovered");

        vm.prank(alice);
        certificate.transferFrom(alice, recipient, tokenId);
        vm.assertEq(certificate.ownerOf(tokenId), recipient, "moved");
    }

    // ------------------------------------------------------------------------------------- claim codes

    function testFuzz_claimWithCode_worksOnce(
        uint256 keySeed,
        address recipient,
        address submitter,
        address secondRecipient
    ) public {
        vm.assume(recipient != address(0) && recipient.code.length == 0);
        vm.assume(secondRecipient != address(0) && secondRecipient.code.length == 0);
        uint256 claimKeyPk = _privateKey(keySeed);
        uint256 tokenId = _issueToVaultWithClaimKey(vm.addr(claimKeyPk));
        uint256 deadline = block.timestamp + CLAIM_DEADLINE;
        bytes memory signature = _signClaim(claimKeyPk, tokenId, recipient, 0, deadline);

        vm.prank(submitter);
        certificate.claimWithCode(tokenId, recipient, deadline, signature);
        vm.assertEq(certificate.ownerOf(tokenId), recipient, "claimed");
        (address claimKey, , ) = certificate.claimStateOf(tokenId);
        vm.assertEq(claimKey, address(0), "claim key cleared");

        // The same signature, and a fresh one from the same code for anyone else: both dead.
        vm.prank(submitter);
        vm.expectRevert(abi.encodeWithSelector(IHallmarkCertificate.HallmarkNoClaimKey.selector, tokenId));
        certificate.claimWithCode(tokenId, recipient, deadline, signature);

        bytes memory fresh = _signClaim(claimKeyPk, tokenId, secondRecipient, 1, deadline);
        vm.expectRevert(abi.encodeWithSelector(IHallmarkCertificate.HallmarkNoClaimKey.selector, tokenId));
        certificate.claimWithCode(tokenId, secondRecipient, deadline, fresh);
        vm.assertEq(certificate.ownerOf(tokenId), recipient, "still the first claimer's");
    }

    /// What the code signs names the recipient: a front-runner cannot redirect it.
    function testFuzz_claimWithCode_revertsForSignatureOfAnotherRecipient(
        uint256 keySeed,
        address signedFor,
        address submittedFor
    ) public {
        vm.assume(submittedFor != address(0) && submittedFor != signedFor);
        uint256 claimKeyPk = _privateKey(keySeed);
        uint256 tokenId = _issueToVaultWithClaimKey(vm.addr(claimKeyPk));
        uint256 deadline = block.timestamp + CLAIM_DEADLINE;
        bytes memory signature = _signClaim(claimKeyPk, tokenId, signedFor, 0, deadline);

        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkCertificate.HallmarkInvalidSignature.selector, tokenId)
        );
        certificate.claimWithCode(tokenId, submittedFor, deadline, signature);
        vm.assertEq(certificate.ownerOf(tokenId), vaultA, "still in custody");
    }

    function testFuzz_claimWithCode_revertsForSignatureOfAnotherKey(
        uint256 keySeed,
        uint256 otherKeySeed,
        address recipient
    ) public {
        vm.assume(recipient != address(0));
        uint256 claimKeyPk = _privateKey(keySeed);
        uint256 otherPk = _privateKey(otherKeySeed);
        vm.assume(claimKeyPk != otherPk);
        uint256 tokenId = _issueToVaultWithClaimKey(vm.addr(claimKeyPk));
        uint256 deadline = block.timestamp + CLAIM_DEADLINE;
        bytes memory signature = _signClaim(otherPk, tokenId, recipient, 0, deadline);

        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkCertificate.HallmarkInvalidSignature.selector, tokenId)
        );
        certificate.claimWithCode(tokenId, recipient, deadline, signature);
    }

    /// Setting a key again starts a new nonce: a signature made under the earlier setting never comes back.
    function testFuzz_claimWithCode_revertsForSignatureMadeBeforeKeyWasReset(
        uint256 keySeed,
        address recipient
    ) public {
        vm.assume(recipient != address(0));
        uint256 claimKeyPk = _privateKey(keySeed);
        address claimKey = vm.addr(claimKeyPk);
        uint256 tokenId = _issueToVaultWithClaimKey(claimKey);
        uint256 deadline = block.timestamp + CLAIM_DEADLINE;
        bytes memory signature = _signClaim(claimKeyPk, tokenId, recipient, 0, deadline);

        vm.prank(vaultA);
        certificate.setClaimKey(tokenId, claimKey);

        vm.expectRevert(
            abi.encodeWithSelector(IHallmarkCertificate.HallmarkInvalidSignature.selector, tokenId)
        );
        certificate.claimWithCode(tokenId, recipient, deadline, signature);
    }

    // ----------------------------------------------------------------------------------- brand scoping

    /// Any mix of brand A roles, held by any account, never acts on brand B's certificates: issue, batch,
    /// successor, metadata, provenance (every kind), revoke, restore, report stolen, token URI, resale.
    function testFuzz_brandBActions_revertForRoleHoldersOfBrandA(
        address account,
        uint8 roleMask,
        uint8 action,
        bytes32 digest
    ) public {
        vm.assume(account != address(0) && digest != bytes32(0));
        vm.assume(!_hasAnyPower(BRAND_B, account) && account != alice);
        _grantRolesOfBrandA(account, roleMask);
        uint256 tokenB = _issue(BRAND_B, alice, _serialHash("B-0001"));
        IHallmarkCertificate.CertificateInput[] memory batch = _batch(digest, 2);
        uint256 which = uint256(action) % 10;
        if (which == 6) {
            vm.prank(alice); // restoring needs a locked certificate first
            certificate.reportStolen(tokenB, "lost");
        }

        vm.startPrank(account);
        if (which == 0) {
            vm.expectRevert(_missingRole(BRAND_B, ISSUER, account));
            certificate.issue(BRAND_B, account, _item(digest));
        } else if (which == 1) {
            vm.expectRevert(_missingRole(BRAND_B, ISSUER, account));
            certificate.issueBatch(BRAND_B, account, batch);
        } else if (which == 2) {
            vm.expectRevert(_missingRole(BRAND_B, ISSUER, account));
            certificate.issueSuccessor(tokenB, _item(digest), "tag replaced");
        } else if (which == 3) {
            vm.expectRevert(_missingRole(BRAND_B, ISSUER, account));
            certificate.updateMetadata(tokenB, digest);
        } else if (which == 4) {
            IHallmarkCertificate.ProvenanceKind kind = IHallmarkCertificate.ProvenanceKind(
                uint256(roleMask) % 4
            );
            vm.expectRevert(
                abi.encodeWithSelector(
                    IHallmarkCertificate.HallmarkUnauthorizedProvenance.selector,
                    tokenB,
                    kind,
                    account
                )
            );
            certificate.recordProvenance(tokenB, kind, digest, 5);
        } else if (which == 5) {
            vm.expectRevert(_missingRole(BRAND_B, BRAND_ADMIN, account));
            certificate.revoke(tokenB, "counterfeit");
        } else if (which == 6) {
            vm.expectRevert(_missingRole(BRAND_B, BRAND_ADMIN, account));
            certificate.restore(tokenB, "recovered");
        } else if (which == 7) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IHallmarkCertificate.HallmarkUnauthorizedStatusChange.selector,
                    tokenB,
                    account
                )
            );
            certificate.reportStolen(tokenB, "stolen");
        } else if (which == 8) {
            vm.expectRevert(_missingRole(BRAND_B, BRAND_ADMIN, account));
            certificate.setTokenURIBase(BRAND_B, "https://evil.example/");
        } else {
            vm.expectRevert(_missingRole(BRAND_B, RESALE_PARTNER, account));
            certificate.authenticatedResale(tokenB, account, digest, 5);
        }
        vm.stopPrank();

        vm.assertEq(certificate.ownerOf(tokenB), alice, "brand B certificate untouched");
    }

    /// Pausing brand A (a key compromise) leaves brand B's issuance and transfers untouched.
    function testFuzz_pauseBrand_leavesOtherBrandWorking(bytes32 serialHash, address recipient) public {
        vm.assume(serialHash != bytes32(0) && recipient != address(0) && recipient.code.length == 0);
        uint256 tokenA = _issue(BRAND_A, alice, _serialHash("A-0001"));
        vm.prank(adminA);
        registry.pauseBrand(BRAND_A, "issuer key leaked");

        uint256 tokenB = _issue(BRAND_B, alice, serialHash);
        vm.prank(alice);
        certificate.transferFrom(alice, recipient, tokenB);
        vm.assertEq(certificate.ownerOf(tokenB), recipient, "brand B moves");

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IBrandRegistry.HallmarkBrandPaused.selector, BRAND_A));
        certificate.transferFrom(alice, recipient, tokenA);
    }

    // -------------------------------------------------------------------------------------- helpers

    function _batch(
        bytes32 seed,
        uint256 n
    ) private pure returns (IHallmarkCertificate.CertificateInput[] memory) {
        IHallmarkCertificate.CertificateInput[] memory items = new IHallmarkCertificate.CertificateInput[](n);
        for (uint256 i; i < n; ++i) items[i] = _item(keccak256(abi.encode(seed, i)));
        return items;
    }

    function _issueToVaultWithClaimKey(address claimKey) private returns (uint256) {
        IHallmarkCertificate.CertificateInput memory input = _item(_serialHash("A-0042"));
        input.claimKey = claimKey;
        return _issue(BRAND_A, vaultA, input);
    }

    /// @dev Drives the certificate into a locked status along one of the paths, returning that status.
    function _lock(uint256 tokenId, uint256 statusPath) private returns (IHallmarkCertificate.Status) {
        if (statusPath == PATH_STOLEN_BY_OWNER) {
            vm.prank(certificate.ownerOf(tokenId));
            certificate.reportStolen(tokenId, "stolen from my car");
            return IHallmarkCertificate.Status.Stolen;
        }
        if (statusPath == PATH_STOLEN_BY_BRAND_ADMIN) {
            vm.prank(adminA);
            certificate.reportStolen(tokenId, "stolen from the boutique");
            return IHallmarkCertificate.Status.Stolen;
        }
        if (statusPath == PATH_REVOKED) {
            vm.prank(adminA);
            certificate.revoke(tokenId, "counterfeit");
            return IHallmarkCertificate.Status.Revoked;
        }
        if (statusPath == PATH_STOLEN_THEN_REVOKED) {
            vm.prank(adminA);
            certificate.reportStolen(tokenId, "stolen");
            vm.prank(adminA);
            certificate.revoke(tokenId, "destroyed");
            return IHallmarkCertificate.Status.Revoked;
        }
        // The owner hands the piece in for a new tag: retiring the certificate needs their consent.
        vm.prank(certificate.ownerOf(tokenId));
        certificate.approve(issuerA, tokenId);
        vm.prank(issuerA);
        certificate.issueSuccessor(tokenId, _item(_serialHash("A-0001-bis")), "tag replaced");
        return IHallmarkCertificate.Status.Revoked;
    }

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
