// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";

/// @notice Gas baseline for the garments: plain OpenZeppelin ERC1155 + ERC1155Supply with a bare `_mint` (no
/// cap, no roles, no signature, no payment). What minting editions of one id costs with supply tracking alone.
contract BaselineERC1155Supply is ERC1155Supply {
    constructor() ERC1155("") {}

    /// @notice Mints `amount` editions of `id` to `to`, as a voucher redemption does.
    function mint(address to, uint256 id, uint256 amount) external {
        _mint(to, id, amount, "");
    }

    /// @notice Mints editions of `id` to several recipients, as a direct batch mint does.
    function mintToMany(uint256 id, address[] calldata recipients, uint256[] calldata amounts) external {
        for (uint256 i; i < recipients.length; ++i) _mint(recipients[i], id, amounts[i], "");
    }
}
