// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IBrandRegistry
/// @notice The brands of a group and the per-brand roles that act for them. A role held for one brand
/// gives no power over another; the group admin (two-step, delayed hand-over) registers brands.
interface IBrandRegistry {
    /// @notice A brand as the registry knows it.
    struct Brand {
        string name;
        string metadataURI;
        address vault;
        address royaltyReceiver;
        uint96 royaltyBps;
        bool paused;
    }

    /// @notice The brand id is not registered.
    error HallmarkUnknownBrand(uint32 brandId);
    /// @notice `account` lacks `role` for `brandId`.
    error HallmarkMissingBrandRole(uint32 brandId, bytes32 role, address account);
    /// @notice The role is not one of the per-brand roles.
    error HallmarkUnknownRole(bytes32 role);
    /// @notice The brand is paused: no minting, provenance or token movements until unpaused; containment
    /// (revoke, report stolen, restore) and role management still work.
    error HallmarkBrandPaused(uint32 brandId);
    /// @notice The brand is not paused.
    error HallmarkBrandNotPaused(uint32 brandId);
    /// @notice A name, vault or receiver was empty or zero.
    error HallmarkInvalidBrandSettings();
    /// @notice The royalty exceeds 100% (10,000 basis points).
    error HallmarkInvalidRoyalty(uint96 royaltyBps);
    /// @notice The issuer key was declared compromised for this brand and can never hold the issuer role again.
    error HallmarkIssuerKeyCompromised(uint32 brandId, address issuer);
    /// @notice A compromise cannot be declared from a block in the future.
    error HallmarkCompromiseInFuture(uint64 fromBlock, uint256 currentBlock);

    /// @notice A brand was registered by the group admin.
    event BrandRegistered(
        uint32 indexed brandId,
        string name,
        string metadataURI,
        address indexed admin,
        address vault
    );
    /// @notice A brand's name or metadata URI changed.
    event BrandUpdated(uint32 indexed brandId, string name, string metadataURI);
    /// @notice A brand's custody vault (where certificates of unclaimed items are held) changed.
    event BrandVaultChanged(uint32 indexed brandId, address indexed vault);
    /// @notice A brand's default royalty (EIP-2981) changed.
    event BrandRoyaltyChanged(uint32 indexed brandId, address indexed receiver, uint96 royaltyBps);
    /// @notice `account` was granted `role` for `brandId` by `sender`.
    event BrandRoleGranted(
        uint32 indexed brandId,
        bytes32 indexed role,
        address indexed account,
        address sender
    );
    /// @notice `account` lost `role` for `brandId`; `sender` is who revoked it (the account itself on renounce).
    event BrandRoleRevoked(
        uint32 indexed brandId,
        bytes32 indexed role,
        address indexed account,
        address sender
    );
    /// @notice A brand was paused, e.g. after a key compromise.
    event BrandPaused(uint32 indexed brandId, address indexed sender, string reason);
    /// @notice A brand was unpaused.
    event BrandUnpaused(uint32 indexed brandId, address indexed sender);
    /// @notice An issuer key of a brand was declared compromised from `fromBlock` on; what it produced
    /// from that block on is suspect, and the key lost its issuer role.
    event IssuerCompromised(uint32 indexed brandId, address indexed issuer, uint64 fromBlock, address sender);

    /// @notice Registers a brand (group admin only). Returns its id, counted from 1.
    function registerBrand(
        string calldata name,
        string calldata metadataURI,
        address admin,
        address vault,
        address royaltyReceiver,
        uint96 royaltyBps
    ) external returns (uint32 brandId);

    /// @notice Changes a brand's name and metadata URI (brand admin).
    function updateBrand(uint32 brandId, string calldata name, string calldata metadataURI) external;

    /// @notice Changes a brand's custody vault (brand admin).
    function setBrandVault(uint32 brandId, address vault) external;

    /// @notice Changes a brand's default royalty (brand admin).
    function setBrandRoyalty(uint32 brandId, address receiver, uint96 royaltyBps) external;

    /// @notice Grants a per-brand role. BRAND_ADMIN is granted by the group admin only; the other roles by
    /// the brand's admins or the group admin.
    function grantBrandRole(uint32 brandId, bytes32 role, address account) external;

    /// @notice Revokes a per-brand role, with the same authority as granting it.
    function revokeBrandRole(uint32 brandId, bytes32 role, address account) external;

    /// @notice Gives up a per-brand role held by the caller.
    function renounceBrandRole(uint32 brandId, bytes32 role) external;

    /// @notice Pauses a brand (brand admin or group admin) without touching other brands.
    function pauseBrand(uint32 brandId, string calldata reason) external;

    /// @notice Unpauses a brand (brand admin or group admin).
    function unpauseBrand(uint32 brandId) external;

    /// @notice Declares an issuer key of the brand compromised from `fromBlock` on and revokes its role
    /// (brand admin or group admin).
    function declareIssuerCompromised(uint32 brandId, address issuer, uint64 fromBlock) external;

    /// @notice Whether `account` holds `role` for `brandId`.
    function hasBrandRole(uint32 brandId, bytes32 role, address account) external view returns (bool);

    /// @notice Whether `account` holds `role` for `brandId`, and whether the brand is paused, in one call: a
    /// voucher redemption checks its signer's role and mints, which the pause flag forbids, and one call costs
    /// less than two.
    function roleAndPaused(
        uint32 brandId,
        bytes32 role,
        address account
    ) external view returns (bool hasRole, bool paused);

    /// @notice Reverts unless the brand exists, is not paused and `account` holds `role` for it.
    function checkBrandRole(uint32 brandId, bytes32 role, address account) external view;

    /// @notice Whether the brand is registered.
    function brandExists(uint32 brandId) external view returns (bool);

    /// @notice Whether the brand is paused.
    function isBrandPaused(uint32 brandId) external view returns (bool);

    /// @notice The brand's settings.
    function brand(uint32 brandId) external view returns (Brand memory);

    /// @notice The brand's custody vault.
    function vaultOf(uint32 brandId) external view returns (address);

    /// @notice The brand's custody vault and whether the brand is paused, read together (they share a slot):
    /// a chip claim from the vault needs both, and one call costs less than two.
    function vaultAndPaused(uint32 brandId) external view returns (address vault, bool paused);

    /// @notice The brand's default royalty receiver and rate in basis points.
    function royaltyOf(uint32 brandId) external view returns (address receiver, uint96 royaltyBps);

    /// @notice The block from which `issuer` is compromised for `brandId`, or 0 if it is not.
    function compromisedSince(uint32 brandId, address issuer) external view returns (uint64);

    /// @notice The number of brands registered.
    function brandCount() external view returns (uint32);
}
