// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {BrandRegistry} from "../registry/BrandRegistry.sol";
import {BrandRoles} from "../registry/BrandRoles.sol";
import {HallmarkCertificate} from "../certificate/HallmarkCertificate.sol";
import {IHallmarkCertificate} from "../interfaces/IHallmarkCertificate.sol";
import {Vm, VM} from "./Vm.sol";

/// @title HallmarkFixture
/// @notice Test-only base for the Solidity tests: the same two-brand deployment as test/contracts/fixtures.ts
/// (a group admin; brand A with admin, issuer, resale partner, repairer and vault; brand B with admin, issuer
/// and partner; customers), plus helpers for items and EIP-712 claim signatures.
abstract contract HallmarkFixture {
    Vm internal constant vm = VM; // solhint-disable-line const-name-snakecase

    /// @dev secp256k1 group order: private keys live in [1, N - 1].
    uint256 internal constant SECP256K1_N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint48 internal constant ADMIN_DELAY = 3 days;
    bytes32 internal constant BRAND_SALT = keccak256("demo-brand-salt");

    bytes32 internal constant BRAND_ADMIN = BrandRoles.BRAND_ADMIN;
    bytes32 internal constant ISSUER = BrandRoles.ISSUER;
    bytes32 internal constant RESALE_PARTNER = BrandRoles.RESALE_PARTNER;
    bytes32 internal constant REPAIRER = BrandRoles.REPAIRER;

    uint32 internal constant BRAND_A = 1;
    uint32 internal constant BRAND_B = 2;

    BrandRegistry internal registry;
    HallmarkCertificate internal certificate;

    address internal groupAdmin = _account("groupAdmin");
    address internal adminA = _account("adminA");
    address internal issuerA = _account("issuerA");
    address internal partnerA = _account("partnerA");
    address internal repairerA = _account("repairerA");
    address internal vaultA = _account("vaultA");
    address internal adminB = _account("adminB");
    address internal issuerB = _account("issuerB");
    address internal partnerB = _account("partnerB");
    address internal alice = _account("alice");
    address internal bob = _account("bob");

    function _deployHallmark() internal {
        registry = new BrandRegistry(ADMIN_DELAY, groupAdmin);
        certificate = new HallmarkCertificate(registry);
        vm.label(address(registry), "BrandRegistry");
        vm.label(address(certificate), "HallmarkCertificate");

        vm.startPrank(groupAdmin);
        registry.registerBrand("Maison A", "ipfs://brand-a", adminA, vaultA, adminA, 500);
        registry.registerBrand("Maison B", "ipfs://brand-b", adminB, adminB, adminB, 750);
        vm.stopPrank();

        vm.startPrank(adminA);
        registry.grantBrandRole(BRAND_A, ISSUER, issuerA);
        registry.grantBrandRole(BRAND_A, RESALE_PARTNER, partnerA);
        registry.grantBrandRole(BRAND_A, REPAIRER, repairerA);
        vm.stopPrank();

        vm.startPrank(adminB);
        registry.grantBrandRole(BRAND_B, ISSUER, issuerB);
        registry.grantBrandRole(BRAND_B, RESALE_PARTNER, partnerB);
        vm.stopPrank();
    }

    /// @dev keccak256(brandSalt ‖ serial), as fixtures.ts computes it.
    function _serialHash(string memory serial) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(BRAND_SALT, serial));
    }

    /// @dev The digest stands in for the document's sha256; keccak256 keeps it free of a precompile call, which
    /// would otherwise be the call a preceding vm.expectRevert applies to.
    function _item(bytes32 serialHash) internal pure returns (IHallmarkCertificate.CertificateInput memory) {
        return
            IHallmarkCertificate.CertificateInput({
                serialHash: serialHash,
                metadataDigest: keccak256(abi.encode("metadata", serialHash)),
                chip: address(0),
                claimKey: address(0)
            });
    }

    function _issuerOf(uint32 brandId) internal view returns (address) {
        return brandId == BRAND_A ? issuerA : issuerB;
    }

    function _adminOf(uint32 brandId) internal view returns (address) {
        return brandId == BRAND_A ? adminA : adminB;
    }

    /// @dev Issues one certificate as the brand's issuer and returns its token id.
    function _issue(uint32 brandId, address to, bytes32 serialHash) internal returns (uint256 tokenId) {
        return _issue(brandId, to, _item(serialHash));
    }

    function _issue(
        uint32 brandId,
        address to,
        IHallmarkCertificate.CertificateInput memory item
    ) internal returns (uint256 tokenId) {
        vm.prank(_issuerOf(brandId));
        return certificate.issue(brandId, to, item);
    }

    /// @dev The certificate's EIP-712 domain separator, computed independently of the contract.
    function _domainSeparator() internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256(
                        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                    ),
                    keccak256("Hallmark Certificate"),
                    keccak256("1"),
                    block.chainid,
                    address(certificate)
                )
            );
    }

    function _claimDigest(
        uint256 tokenId,
        address recipient,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Claim(uint256 tokenId,address recipient,uint256 nonce,uint256 deadline)"),
                tokenId,
                recipient,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash));
    }

    /// @dev A claim code's signature naming `recipient`, as the verifier's web page would produce it.
    function _signClaim(
        uint256 claimPrivateKey,
        uint256 tokenId,
        address recipient,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(
            claimPrivateKey,
            _claimDigest(tokenId, recipient, nonce, deadline)
        );
        return abi.encodePacked(r, s, v);
    }

    /// @dev Maps any fuzzed seed onto a valid secp256k1 private key.
    function _privateKey(uint256 seed) internal pure returns (uint256) {
        return 1 + (seed % (SECP256K1_N - 1));
    }

    /// @dev One of the four per-brand roles.
    function _role(uint256 seed) internal pure returns (bytes32) {
        uint256 i = seed % 4;
        if (i == 0) return BRAND_ADMIN;
        if (i == 1) return ISSUER;
        if (i == 2) return RESALE_PARTNER;
        return REPAIRER;
    }

    /// @dev Whether `account` holds any role for `brandId` or is the group admin.
    function _hasAnyPower(uint32 brandId, address account) internal view returns (bool) {
        return
            account == groupAdmin ||
            registry.hasBrandRole(brandId, BRAND_ADMIN, account) ||
            registry.hasBrandRole(brandId, ISSUER, account) ||
            registry.hasBrandRole(brandId, RESALE_PARTNER, account) ||
            registry.hasBrandRole(brandId, REPAIRER, account);
    }

    function _account(string memory name) private returns (address account) {
        account = vm.addr(uint256(keccak256(bytes(name))));
        vm.label(account, name);
    }
}
