// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @notice Test-only receiver that re-enters the certificate from onERC721Received with a call chosen by
/// the test, and records whether the re-entry succeeded.
contract ReentrantReceiver is IERC721Receiver {
    address public reentryTarget;
    bytes public reentryCall;
    bool public reentrySucceeded;
    bytes public reentryRevertData;
    uint256 public received;

    function arm(address target_, bytes calldata call_) external {
        reentryTarget = target_;
        reentryCall = call_;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        ++received;
        if (reentryTarget != address(0) && reentryCall.length != 0) {
            bytes memory call_ = reentryCall;
            delete reentryCall; // re-enter once
            (bool ok, bytes memory ret) = reentryTarget.call(call_);
            reentrySucceeded = ok;
            reentryRevertData = ret;
        }
        return IERC721Receiver.onERC721Received.selector;
    }
}
