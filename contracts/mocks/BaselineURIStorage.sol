// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";

/// @notice Gas baseline: plain OpenZeppelin ERC721URIStorage storing an ipfs:// URI per token.
contract BaselineURIStorage is ERC721URIStorage {
    uint256 private _next;

    constructor() ERC721("Baseline", "BASE") {}

    function mintBatch(address to, string[] calldata uris) external {
        for (uint256 i; i < uris.length; ++i) {
            uint256 id = ++_next;
            _mint(to, id);
            _setTokenURI(id, uris[i]);
        }
    }
}
