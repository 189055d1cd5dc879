// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";

/// @title BrandGated
/// @notice Base for token contracts whose powers come from the brand registry: every check of a brand role
/// goes through here, so a role for brand A can only ever act on brand A.
abstract contract BrandGated {
    /// @notice The registry of brands and their roles.
    IBrandRegistry public immutable registry;

    /// @dev The registry's group admin: OpenZeppelin's DEFAULT_ADMIN_ROLE.
    bytes32 internal constant _GROUP_ADMIN_ROLE = 0x00;

    constructor(IBrandRegistry registry_) {
        registry = registry_;
    }

    /// @dev Reverts unless the brand exists, is not paused and `account` holds `role` for it.
    function _checkBrandRole(uint32 brandId, bytes32 role, address account) internal view {
        registry.checkBrandRole(brandId, role, account);
    }

    /// @dev Role check without the pause check, for containment actions (revoke, report stolen) that must
    /// work while a brand is paused.
    function _hasBrandRole(uint32 brandId, bytes32 role, address account) internal view returns (bool) {
        return registry.hasBrandRole(brandId, role, account);
    }

    /// @dev Whether `account` is the registry's group admin.
    function _isGroupAdmin(address account) internal view returns (bool) {
        return IAccessControl(address(registry)).hasRole(_GROUP_ADMIN_ROLE, account);
    }

    /// @dev Reverts while the brand is paused.
    function _requireBrandNotPaused(uint32 brandId) internal view {
        if (registry.isBrandPaused(brandId)) revert IBrandRegistry.HallmarkBrandPaused(brandId);
    }
}
