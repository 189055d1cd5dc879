// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @notice Test-only ERC-721 holder that logs every onERC721Received call, so a test can place the hook among
/// the token contract's own logs. It acts as an owner through `execute` (its deployer only), e.g. to approve an
/// issuer, and can be told to refuse certificates with a wrong magic value.
contract LoggingReceiver is IERC721Receiver {
    /// @notice onERC721Received was called with these arguments.
    event ERC721Received(address operator, address from, uint256 tokenId, bytes data);

    /// @notice `caller` is not the deployer, the only account `execute` acts for.
    error LoggingReceiverUnauthorized(address caller);

    address public immutable controller;
    /// @notice When set, the hook answers a wrong magic value, so safe deliveries revert.
    bool public refusing;

    constructor() {
        controller = msg.sender;
    }

    /// @notice Makes the hook refuse (or accept again) certificates.
    function setRefusing(bool refusing_) external {
        refusing = refusing_;
    }

    /// @notice Calls `target` with `data` as this contract, bubbling up a revert.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != controller) revert LoggingReceiverUnauthorized(msg.sender);
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// @inheritdoc IERC721Receiver
    function onERC721Received(
        address operator,
        address from,
        uint256 tokenId,
        bytes calldata data
    ) external returns (bytes4) {
        if (refusing) return 0xdeadbeef;
        emit ERC721Received(operator, from, tokenId, data);
        return IERC721Receiver.onERC721Received.selector;
    }
}
