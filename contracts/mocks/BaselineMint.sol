// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice Gas baseline: plain OpenZeppelin ERC721 with a bare `_mint` per token and nothing else (no URI,
/// no event of its own). The floor any ERC-721 mint pays: one fresh owner slot and a Transfer log.
contract BaselineMint is ERC721 {
    uint256 private _next;

    constructor() ERC721("Baseline", "BASE") {}

    /// @notice Mints `count` tokens with sequential ids to `to`.
    function mintBatch(address to, uint256 count) external {
        for (uint256 i; i < count; ++i) {
            _mint(to, ++_next);
        }
    }

    /// @notice How many tokens were minted; the last id minted.
    function totalMinted() external view returns (uint256) {
        return _next;
    }
}
