// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IHallmarkPaymaster
/// @notice Pays the gas of passkey accounts' user operations that call Hallmark's own contracts (transfer,
/// report stolen, claim) or manage the account itself, within daily limits per account and per brand.
interface IHallmarkPaymaster {
    /// @notice A brand's daily limits (brand 0: account upkeep). A day is block.timestamp / 1 days.
    /// @param opsPerAccountPerDay Operations one account may have sponsored per day, checked against the limit
    /// of the brand an operation concerns (the account's count is one, whatever the brands).
    /// @param opsPerBrandPerDay Operations sponsored per day for the brand's pieces.
    /// @param maxCostPerOp Most wei one operation may cost at its gas limits and fee caps (a zero-fee
    /// operation costs nothing: its relayer is not paid back).
    struct Limits {
        uint32 opsPerAccountPerDay;
        uint32 opsPerBrandPerDay;
        uint96 maxCostPerOp;
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

    /// @notice A brand's limits changed.
    event LimitsSet(
        uint32 indexed brandId,
        uint32 opsPerAccountPerDay,
        uint32 opsPerBrandPerDay,
        uint96 maxCostPerOp
    );

    /// @notice Sets a brand's daily limits (brand 0: account upkeep), in place of the default. Group admin only.
    function setLimits(uint32 brandId, Limits calldata limits) external;

    /// @notice Adds to the paymaster's deposit at the EntryPoint. Anyone.
    function deposit() external payable;

    /// @notice Withdraws from the paymaster's deposit. Group admin only.
    function withdraw(address payable to, uint256 amount) external;

    /// @notice A brand's limits: its own once set, the default (set at deployment) before.
    function limits(uint32 brandId) external view returns (Limits memory);

    /// @notice The limits of a brand that has none of its own.
    function defaultLimits() external view returns (Limits memory);

    /// @notice Operations sponsored today for `account`.
    function accountOpsToday(address account) external view returns (uint32);

    /// @notice Operations sponsored today for `brandId`'s pieces.
    function brandOpsToday(uint32 brandId) external view returns (uint32);
}
