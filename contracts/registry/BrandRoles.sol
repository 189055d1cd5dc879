// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title BrandRoles
/// @notice The per-brand roles, shared by the registry and every contract that checks them.
library BrandRoles {
    /// @notice Manages a brand: grants its other roles, pauses it, revokes and restores certificates.
    bytes32 internal constant BRAND_ADMIN = keccak256("hallmark.role.BRAND_ADMIN");
    /// @notice Mints certificates and garments, records sales, updates metadata.
    bytes32 internal constant ISSUER = keccak256("hallmark.role.ISSUER");
    /// @notice An authorized resale partner: records inspections and authenticated resales.
    bytes32 internal constant RESALE_PARTNER = keccak256("hallmark.role.RESALE_PARTNER");
    /// @notice An authorized repairer or service centre: records repairs and inspections.
    bytes32 internal constant REPAIRER = keccak256("hallmark.role.REPAIRER");
    /// @notice A brand's NFC tag oracle: attests fresh taps of the brand's NTAG 424 DNA tags (EIP-712
    /// TagClaim), which the certificate accepts as proof of physical presence for claims.
    bytes32 internal constant TAG_ORACLE = keccak256("hallmark.role.TAG_ORACLE");

    /// @notice Whether `role` is one of the per-brand roles.
    function isBrandRole(bytes32 role) internal pure returns (bool) {
        return
            role == BRAND_ADMIN ||
            role == ISSUER ||
            role == RESALE_PARTNER ||
            role == REPAIRER ||
            role == TAG_ORACLE;
    }
}
