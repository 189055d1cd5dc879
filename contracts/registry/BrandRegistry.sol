// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";
import {BrandRoles} from "./BrandRoles.sol";

/// @title BrandRegistry
/// @notice One registry per brand group. The group admin is OpenZeppelin's default admin, which changes
/// hands in two steps with a delay; every other power is a role scoped to one brand.
contract BrandRegistry is IBrandRegistry, AccessControlDefaultAdminRules {
    /// @notice The per-brand roles, exposed for off-chain callers.
    bytes32 public constant BRAND_ADMIN_ROLE = BrandRoles.BRAND_ADMIN;
    bytes32 public constant ISSUER_ROLE = BrandRoles.ISSUER;
    bytes32 public constant RESALE_PARTNER_ROLE = BrandRoles.RESALE_PARTNER;
    bytes32 public constant REPAIRER_ROLE = BrandRoles.REPAIRER;
    bytes32 public constant TAG_ORACLE_ROLE = BrandRoles.TAG_ORACLE;

    uint96 private constant _MAX_BPS = 10_000;

    /// @dev A brand as stored: the fields of `Brand` in another order, so that the pause flag shares the
    /// vault's slot. A chip claim from the brand vault reads both (the vault for the owner-consent rule, the flag
    /// in the transfer hook): one cold slot instead of two. `brand()` returns it as a `Brand`.
    struct BrandRecord {
        string name;
        string metadataURI;
        address vault;
        bool paused;
        address royaltyReceiver;
        uint96 royaltyBps;
    }

    uint32 private _brandCount;
    mapping(uint32 brandId => BrandRecord) private _brands;
    mapping(uint32 brandId => mapping(bytes32 role => mapping(address account => bool))) private _brandRoles;
    mapping(uint32 brandId => mapping(address issuer => uint64 fromBlock)) private _compromisedSince;

    /// @param adminDelay Seconds a new group admin must wait before accepting the role.
    /// @param groupAdmin The first group admin.
    constructor(
        uint48 adminDelay,
        address groupAdmin
    ) AccessControlDefaultAdminRules(adminDelay, groupAdmin) {}

    modifier onlyGroupAdmin() {
        _checkRole(DEFAULT_ADMIN_ROLE);
        _;
    }

    /// @dev The brand's admins or the group admin, on an existing brand.
    modifier onlyBrandManager(uint32 brandId) {
        _requireBrand(brandId);
        if (
            !_brandRoles[brandId][BRAND_ADMIN_ROLE][_msgSender()] &&
            !hasRole(DEFAULT_ADMIN_ROLE, _msgSender())
        ) {
            revert HallmarkMissingBrandRole(brandId, BRAND_ADMIN_ROLE, _msgSender());
        }
        _;
    }

    /// @inheritdoc IBrandRegistry
    function registerBrand(
        string calldata name,
        string calldata metadataURI,
        address admin,
        address vault,
        address royaltyReceiver,
        uint96 royaltyBps
    ) external onlyGroupAdmin returns (uint32 brandId) {
        if (bytes(name).length == 0 || admin == address(0) || vault == address(0)) {
            revert HallmarkInvalidBrandSettings();
        }
        _checkRoyalty(royaltyReceiver, royaltyBps);
        brandId = ++_brandCount;
        _brands[brandId] = BrandRecord({
            name: name,
            metadataURI: metadataURI,
            vault: vault,
            paused: false,
            royaltyReceiver: royaltyReceiver,
            royaltyBps: royaltyBps
        });
        emit BrandRegistered(brandId, name, metadataURI, admin, vault);
        emit BrandRoyaltyChanged(brandId, royaltyReceiver, royaltyBps);
        _grantBrandRole(brandId, BRAND_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IBrandRegistry
    function updateBrand(
        uint32 brandId,
        string calldata name,
        string calldata metadataURI
    ) external onlyBrandManager(brandId) {
        if (bytes(name).length == 0) revert HallmarkInvalidBrandSettings();
        BrandRecord storage b = _brands[brandId];
        b.name = name;
        b.metadataURI = metadataURI;
        emit BrandUpdated(brandId, name, metadataURI);
    }

    /// @inheritdoc IBrandRegistry
    function setBrandVault(uint32 brandId, address vault) external onlyBrandManager(brandId) {
        if (vault == address(0)) revert HallmarkInvalidBrandSettings();
        _brands[brandId].vault = vault;
        emit BrandVaultChanged(brandId, vault);
    }

    /// @inheritdoc IBrandRegistry
    function setBrandRoyalty(
        uint32 brandId,
        address receiver,
        uint96 royaltyBps
    ) external onlyBrandManager(brandId) {
        _checkRoyalty(receiver, royaltyBps);
        BrandRecord storage b = _brands[brandId];
        b.royaltyReceiver = receiver;
        b.royaltyBps = royaltyBps;
        emit BrandRoyaltyChanged(brandId, receiver, royaltyBps);
    }

    /// @inheritdoc IBrandRegistry
    function grantBrandRole(uint32 brandId, bytes32 role, address account) external {
        _checkRoleAuthority(brandId, role);
        if (account == address(0)) revert HallmarkInvalidBrandSettings();
        if (role == ISSUER_ROLE && _compromisedSince[brandId][account] != 0) {
            revert HallmarkIssuerKeyCompromised(brandId, account);
        }
        _grantBrandRole(brandId, role, account);
    }

    /// @inheritdoc IBrandRegistry
    function revokeBrandRole(uint32 brandId, bytes32 role, address account) external {
        _checkRoleAuthority(brandId, role);
        _revokeBrandRole(brandId, role, account);
    }

    /// @inheritdoc IBrandRegistry
    function renounceBrandRole(uint32 brandId, bytes32 role) external {
        _requireBrand(brandId);
        if (!BrandRoles.isBrandRole(role)) revert HallmarkUnknownRole(role);
        _revokeBrandRole(brandId, role, _msgSender());
    }

    /// @inheritdoc IBrandRegistry
    function pauseBrand(uint32 brandId, string calldata reason) external onlyBrandManager(brandId) {
        BrandRecord storage b = _brands[brandId];
        if (b.paused) revert HallmarkBrandPaused(brandId);
        b.paused = true;
        emit BrandPaused(brandId, _msgSender(), reason);
    }

    /// @inheritdoc IBrandRegistry
    function unpauseBrand(uint32 brandId) external onlyBrandManager(brandId) {
        BrandRecord storage b = _brands[brandId];
        if (!b.paused) revert HallmarkBrandNotPaused(brandId);
        b.paused = false;
        emit BrandUnpaused(brandId, _msgSender());
    }

    /// @inheritdoc IBrandRegistry
    function declareIssuerCompromised(
        uint32 brandId,
        address issuer,
        uint64 fromBlock
    ) external onlyBrandManager(brandId) {
        if (fromBlock > block.number) revert HallmarkCompromiseInFuture(fromBlock, block.number);
        // Block 0 would read as "not compromised"; the genesis block holds no certificates anyway.
        if (fromBlock == 0) fromBlock = 1;
        uint64 previous = _compromisedSince[brandId][issuer];
        // A second declaration can only widen the suspect window, never narrow it.
        if (previous == 0 || fromBlock < previous) _compromisedSince[brandId][issuer] = fromBlock;
        emit IssuerCompromised(brandId, issuer, _compromisedSince[brandId][issuer], _msgSender());
        _revokeBrandRole(brandId, ISSUER_ROLE, issuer);
    }

    /// @inheritdoc IBrandRegistry
    function hasBrandRole(uint32 brandId, bytes32 role, address account) public view returns (bool) {
        return _brandRoles[brandId][role][account];
    }

    /// @inheritdoc IBrandRegistry
    function roleAndPaused(
        uint32 brandId,
        bytes32 role,
        address account
    ) external view returns (bool hasRole, bool paused) {
        return (_brandRoles[brandId][role][account], _brands[brandId].paused);
    }

    /// @inheritdoc IBrandRegistry
    function checkBrandRole(uint32 brandId, bytes32 role, address account) external view {
        _requireBrand(brandId);
        if (_brands[brandId].paused) revert HallmarkBrandPaused(brandId);
        if (!_brandRoles[brandId][role][account]) revert HallmarkMissingBrandRole(brandId, role, account);
    }

    /// @inheritdoc IBrandRegistry
    function brandExists(uint32 brandId) public view returns (bool) {
        return brandId != 0 && brandId <= _brandCount;
    }

    /// @inheritdoc IBrandRegistry
    function isBrandPaused(uint32 brandId) external view returns (bool) {
        return _brands[brandId].paused;
    }

    /// @inheritdoc IBrandRegistry
    function brand(uint32 brandId) external view returns (Brand memory) {
        _requireBrand(brandId);
        BrandRecord storage b = _brands[brandId];
        return
            Brand({
                name: b.name,
                metadataURI: b.metadataURI,
                vault: b.vault,
                royaltyReceiver: b.royaltyReceiver,
                royaltyBps: b.royaltyBps,
                paused: b.paused
            });
    }

    /// @inheritdoc IBrandRegistry
    function vaultOf(uint32 brandId) external view returns (address) {
        return _brands[brandId].vault;
    }

    /// @inheritdoc IBrandRegistry
    function vaultAndPaused(uint32 brandId) external view returns (address vault, bool paused) {
        BrandRecord storage b = _brands[brandId];
        return (b.vault, b.paused);
    }

    /// @inheritdoc IBrandRegistry
    function royaltyOf(uint32 brandId) external view returns (address receiver, uint96 royaltyBps) {
        BrandRecord storage b = _brands[brandId];
        return (b.royaltyReceiver, b.royaltyBps);
    }

    /// @notice ERC-165: the registry's interface besides AccessControl's.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IBrandRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc IBrandRegistry
    function compromisedSince(uint32 brandId, address issuer) external view returns (uint64) {
        return _compromisedSince[brandId][issuer];
    }

    /// @inheritdoc IBrandRegistry
    function brandCount() external view returns (uint32) {
        return _brandCount;
    }

    function _checkRoleAuthority(uint32 brandId, bytes32 role) private view {
        _requireBrand(brandId);
        if (!BrandRoles.isBrandRole(role)) revert HallmarkUnknownRole(role);
        address sender = _msgSender();
        if (hasRole(DEFAULT_ADMIN_ROLE, sender)) return;
        // Brand admins manage their brand's operational roles, never the admin role itself: a phished
        // brand admin key cannot entrench itself by minting more admins.
        if (role != BRAND_ADMIN_ROLE && _brandRoles[brandId][BRAND_ADMIN_ROLE][sender]) return;
        revert HallmarkMissingBrandRole(brandId, BRAND_ADMIN_ROLE, sender);
    }

    function _grantBrandRole(uint32 brandId, bytes32 role, address account) private {
        if (_brandRoles[brandId][role][account]) return;
        _brandRoles[brandId][role][account] = true;
        emit BrandRoleGranted(brandId, role, account, _msgSender());
    }

    function _revokeBrandRole(uint32 brandId, bytes32 role, address account) private {
        if (!_brandRoles[brandId][role][account]) return;
        _brandRoles[brandId][role][account] = false;
        emit BrandRoleRevoked(brandId, role, account, _msgSender());
    }

    function _requireBrand(uint32 brandId) private view {
        if (!brandExists(brandId)) revert HallmarkUnknownBrand(brandId);
    }

    function _checkRoyalty(address receiver, uint96 royaltyBps) private pure {
        if (royaltyBps > _MAX_BPS) revert HallmarkInvalidRoyalty(royaltyBps);
        if (royaltyBps != 0 && receiver == address(0)) revert HallmarkInvalidBrandSettings();
    }
}
