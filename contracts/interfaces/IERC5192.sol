// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IERC5192 Minimal Soulbound
/// @notice Tokens that are locked never move between holders (EIP-5192; applied here per garment design).
interface IERC5192 {
    /// @notice The token (here: every edition of the design) is locked.
    event Locked(uint256 tokenId);
    /// @notice The token is unlocked.
    event Unlocked(uint256 tokenId);

    /// @notice Whether the token is locked.
    function locked(uint256 tokenId) external view returns (bool);
}
