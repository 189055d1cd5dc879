// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @notice Test-only ERC-721 receiver that refuses certificates in the way the test chooses: a wrong
/// magic value, a custom error, or a bare revert (what a contract without the hook looks like).
contract BadReceiver is IERC721Receiver {
    enum Mode {
        WrongSelector,
        RevertWithError,
        RevertEmpty
    }

    /// @notice Raised from the hook in RevertWithError mode; the token contract must bubble it up.
    error BadReceiverRefused(uint256 tokenId);

    Mode public mode;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function onERC721Received(
        address,
        address,
        uint256 tokenId,
        bytes calldata
    ) external view returns (bytes4) {
        if (mode == Mode.RevertWithError) revert BadReceiverRefused(tokenId);
        if (mode == Mode.RevertEmpty) revert();
        return 0xdeadbeef;
    }
}
