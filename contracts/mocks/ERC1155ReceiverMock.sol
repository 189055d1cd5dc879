// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1155Receiver} from "@openzeppelin/contracts/token/ERC1155/IERC1155Receiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @notice Test-only ERC-1155 holder, as hostile as the test chooses: it accepts or refuses editions (wrong magic
/// value, custom error, bare revert), accepts or refuses ether, and can re-enter a target once from its ERC-1155
/// hooks or from receive(), recording whether the re-entry succeeded. `execute` lets it act as a buyer or a
/// brand admin.
contract ERC1155ReceiverMock is IERC1155Receiver {
    enum Mode {
        Accept,
        WrongSelector,
        RevertWithError,
        RevertEmpty
    }

    /// @notice Raised from the hooks in RevertWithError mode; the token contract must bubble it up.
    error ReceiverRefused(uint256 id, uint256 value);
    /// @notice Raised from receive() when ether is refused.
    error EtherRefused(uint256 value);

    Mode public mode;
    bool public refuseEther;
    /// @notice When set, a failed re-entry from receive() is bubbled up instead of recorded.
    bool public bubbleReentryFailure;

    address public reentryTarget;
    bytes public reentryCall;
    bool public reentryAttempted;
    bool public reentrySucceeded;
    bytes public reentryRevertData;

    uint256 public singleReceived;
    uint256 public batchReceived;
    uint256 public etherReceived;

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function setRefuseEther(bool refuse) external {
        refuseEther = refuse;
    }

    function setBubbleReentryFailure(bool bubble) external {
        bubbleReentryFailure = bubble;
    }

    /// @notice Re-enters `target_` with `call_` once, from the next hook or receive().
    function arm(address target_, bytes calldata call_) external {
        reentryTarget = target_;
        reentryCall = call_;
    }

    /// @notice Calls `target` as this contract, forwarding `msg.value`; bubbles up a revert.
    function execute(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    function onERC1155Received(
        address,
        address,
        uint256 id,
        uint256 value,
        bytes calldata
    ) external returns (bytes4) {
        ++singleReceived;
        _hook(id, value);
        return mode == Mode.WrongSelector ? bytes4(0xdeadbeef) : IERC1155Receiver.onERC1155Received.selector;
    }

    function onERC1155BatchReceived(
        address,
        address,
        uint256[] calldata ids,
        uint256[] calldata values,
        bytes calldata
    ) external returns (bytes4) {
        ++batchReceived;
        _hook(ids.length == 0 ? 0 : ids[0], values.length == 0 ? 0 : values[0]);
        return
            mode == Mode.WrongSelector
                ? bytes4(0xdeadbeef)
                : IERC1155Receiver.onERC1155BatchReceived.selector;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC1155Receiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    receive() external payable {
        if (refuseEther) revert EtherRefused(msg.value);
        etherReceived += msg.value;
        (bool attempted, bool ok, bytes memory ret) = _reenter();
        if (attempted && !ok && bubbleReentryFailure) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function _hook(uint256 id, uint256 value) private {
        if (mode == Mode.RevertWithError) revert ReceiverRefused(id, value);
        if (mode == Mode.RevertEmpty) revert();
        _reenter();
    }

    function _reenter() private returns (bool attempted, bool ok, bytes memory ret) {
        if (reentryTarget == address(0) || reentryCall.length == 0) return (false, false, "");
        bytes memory call_ = reentryCall;
        delete reentryCall; // re-enter once
        (ok, ret) = reentryTarget.call(call_);
        attempted = true;
        reentryAttempted = true;
        reentrySucceeded = ok;
        reentryRevertData = ret;
    }
}
