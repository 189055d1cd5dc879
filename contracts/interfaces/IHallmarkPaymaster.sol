// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IHallmarkPaymaster
/// @notice Pays the gas of passkey accounts' user operations that call Hallmark's own contracts (transfer,
/// report stolen, claim) or manage the account itself, within daily limits per account and per brand.
interface IHallmarkPaymaster {
    /// @notice Daily limits. A day is block.timestamp / 1 days.
    /// @param opsPerAccountPerDay Operations one account may have sponsored per day.
    /// @param opsPerBrandPerDay Operations sponsored per day for one brand's pieces (brand 0: account upkeep).
    /// @param maxCostPerOp Most wei one operation may cost at its gas limits and fee caps.
    struct Limits {
        uint32 opsPerAccountPerDay;
        uint32 opsPerBrandPerDay;
        uint128 maxCostPerOp;
    }

    /// @notice The sender is not a passkey account made by Hallmark's factory.
    error HallmarkNotPasskeyAccount(address sender);
    /// @notice The operation's call data is not ERC-7821 `execute` with a default batch.
    error HallmarkUnsupportedOperation(bytes4 selector);
    /// @notice A call targets a contract or function that is not sponsored.
    error HallmarkCallNotSponsored(address target, bytes4 selector);
    /// @notice A call carries value.
    error HallmarkValueNotSponsored(address target, uint256 value);
    /// @notice The operation's calls concern pieces of more than one brand.
    error HallmarkMixedBrands(uint32 brandId, uint32 otherBrandId);
    /// @notice The operation could cost more than the per-operation cap.
    error HallmarkOperationTooCostly(uint256 maxCost, uint256 cap);
    /// @notice The account used its sponsored operations for the day.
    error HallmarkAccountDailyLimit(address account, uint32 limit);
    /// @notice The brand's sponsored operations for the day are used up.
    error HallmarkBrandDailyLimit(uint32 brandId, uint32 limit);
    /// @notice The caller is not the registry's group admin.
    error HallmarkNotGroupAdmin(address caller);

    /// @notice The limits changed.
    event LimitsSet(uint32 opsPerAccountPerDay, uint32 opsPerBrandPerDay, uint128 maxCostPerOp);

    /// @notice Sets the daily limits. Group admin only.
    function setLimits(Limits calldata limits) external;

    /// @notice Adds to the paymaster's deposit at the EntryPoint. Anyone.
    function deposit() external payable;

    /// @notice Withdraws from the paymaster's deposit. Group admin only.
    function withdraw(address payable to, uint256 amount) external;

    /// @notice The current limits.
    function limits() external view returns (Limits memory);

    /// @notice Operations sponsored today for `account`.
    function accountOpsToday(address account) external view returns (uint32);

    /// @notice Operations sponsored today for `brandId`'s pieces.
    function brandOpsToday(uint32 brandId) external view returns (uint32);
}
