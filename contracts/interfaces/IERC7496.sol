// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IERC7496 Dynamic Traits
/// @notice Onchain traits a marketplace can re-read at the moment of sale (ERC-7496).
interface IERC7496 {
    /// @notice A trait of one token changed.
    event TraitUpdated(bytes32 indexed traitKey, uint256 tokenId, bytes32 traitValue);
    /// @notice A trait changed for a range of tokens.
    event TraitUpdatedRange(bytes32 indexed traitKey, uint256 fromTokenId, uint256 toTokenId);
    /// @notice A trait changed to one value for a range of tokens.
    event TraitUpdatedRangeUniformValue(
        bytes32 indexed traitKey,
        uint256 fromTokenId,
        uint256 toTokenId,
        bytes32 traitValue
    );
    /// @notice A trait changed for a list of tokens.
    event TraitUpdatedList(bytes32 indexed traitKey, uint256[] tokenIds);
    /// @notice A trait changed to one value for a list of tokens.
    event TraitUpdatedListUniformValue(bytes32 indexed traitKey, uint256[] tokenIds, bytes32 traitValue);
    /// @notice The trait metadata URI changed.
    event TraitMetadataURIUpdated();

    /// @notice The value of one trait of a token.
    function getTraitValue(uint256 tokenId, bytes32 traitKey) external view returns (bytes32 traitValue);

    /// @notice The values of several traits of a token.
    function getTraitValues(
        uint256 tokenId,
        bytes32[] calldata traitKeys
    ) external view returns (bytes32[] memory traitValues);

    /// @notice A URI describing the traits (display names, value types).
    function getTraitMetadataURI() external view returns (string memory uri);

    /// @notice Sets a trait; reverts where traits are derived from state rather than set.
    function setTrait(uint256 tokenId, bytes32 traitKey, bytes32 traitValue) external;
}
