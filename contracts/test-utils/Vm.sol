// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Vm
/// @notice The cheatcodes our Solidity tests use, at the address every Foundry-compatible runner (Hardhat 3's
/// EDR included) serves them from. Declaring only these keeps the tests free of a copied forge-std.
/// @dev Signatures match forge-std's `Vm` so the selectors are the standard ones.
interface Vm {
    // ------------------------------------------------------------------------------------ environment

    /// @notice Sets msg.sender for the next call only.
    function prank(address msgSender) external;

    /// @notice Sets msg.sender for every call until stopPrank.
    function startPrank(address msgSender) external;

    /// @notice Ends a startPrank.
    function stopPrank() external;

    /// @notice Sets block.number.
    function roll(uint256 newHeight) external;

    /// @notice Sets block.timestamp.
    function warp(uint256 newTimestamp) external;

    /// @notice Sets the ether balance of an account.
    function deal(address account, uint256 newBalance) external;

    /// @notice Names an address in traces.
    function label(address account, string calldata newLabel) external;

    // ----------------------------------------------------------------------------------------- keys

    /// @notice The address of a private key.
    function addr(uint256 privateKey) external pure returns (address keyAddr);

    /// @notice Signs a digest with a private key (no prefix added).
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

    // -------------------------------------------------------------------------------------- fuzzing

    /// @notice Discards the current fuzz input when `condition` is false.
    function assume(bool condition) external pure;

    /// @notice Expects the next call to revert with exactly `revertData` (selector and arguments).
    function expectRevert(bytes calldata revertData) external;

    // ----------------------------------------------------------------------------------- assertions

    /// @notice Fails the test unless `condition` holds.
    function assertTrue(bool condition, string calldata error) external pure;

    /// @notice Fails the test unless `condition` is false.
    function assertFalse(bool condition, string calldata error) external pure;

    /// @notice Fails the test unless the values are equal.
    function assertEq(uint256 left, uint256 right, string calldata error) external pure;

    /// @notice Fails the test unless the values are equal.
    function assertEq(address left, address right, string calldata error) external pure;

    /// @notice Fails the test unless the values are equal.
    function assertEq(bytes32 left, bytes32 right, string calldata error) external pure;
}

/// @dev keccak256("hevm cheat code") truncated to 20 bytes: where the runner serves cheatcodes.
Vm constant VM = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
