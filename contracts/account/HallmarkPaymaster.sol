// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Paymaster} from "@openzeppelin/contracts/account/paymaster/Paymaster.sol";
import {IEntryPoint, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ERC7579Utils, Execution} from "@openzeppelin/contracts/account/utils/draft-ERC7579Utils.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC7821} from "@openzeppelin/contracts/interfaces/draft-IERC7821.sol";
import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";
import {IHallmarkCertificate} from "../interfaces/IHallmarkCertificate.sol";
import {IHallmarkGarments} from "../interfaces/IHallmarkGarments.sol";
import {IHallmarkPaymaster} from "../interfaces/IHallmarkPaymaster.sol";
import {IHallmarkPasskeyAccount} from "../interfaces/IHallmarkPasskeyAccount.sol";
import {IHallmarkPasskeyAccountFactory} from "../interfaces/IHallmarkPasskeyAccountFactory.sol";
import {BrandGated} from "../registry/BrandGated.sol";

/// @title HallmarkPaymaster
/// @notice Pays for passkey accounts' operations on Hallmark's own contracts, so a customer with only a phone
/// can claim, transfer and report stolen. Nothing else is sponsored: the sender must be a passkey account made by
/// Hallmark's factory, its call an ERC-7821 batch whose every call is a listed function of the certificate or
/// garments contract (or the account's own passkey and recovery upkeep), without value, under a cost cap and
/// daily limits per account and per brand, so a loop of operations cannot drain the deposit (nor, at a zero fee,
/// the relayer's balance: the verifier relays only operations that pass this validation in its simulation).
/// @dev The limits are counted in validation, so an operation that fails in execution still counts. Validation
/// reads the block time and shared counters, which ERC-7562 forbids to unstaked entities in a public mempool:
/// the verifier, which simulates and submits every operation itself, is this paymaster's only bundler.
contract HallmarkPaymaster is IHallmarkPaymaster, Paymaster, BrandGated {
    /// @dev ERC-7821 mode: a batch, reverting on failure, without opData (the one the account supports).
    bytes32 private constant _BATCH_MODE = bytes32(uint256(1) << 248);

    IEntryPoint private immutable _entryPoint;
    address private immutable _certificate;
    address private immutable _garments;
    bytes32 private immutable _accountCodeHash;
    /// @dev The default limits, packed as in a brand's word (bits 64 to 223): immutable, so that a brand on
    /// the default reads no slot for them. The group admin changes a brand's limits with `setLimits`.
    uint256 private immutable _defaultLimits;

    /// @dev Per account, `day << 64 | sequence`: the account's EntryPoint nonce sequence (key 0) at its first
    /// sponsored operation of `day`. The nonce counts every validated operation, failed ones too, so the
    /// operations of the day are the sequence now minus this one, and the slot is written once a day only.
    mapping(address account => uint256 dayStart) private _accountDayStart;
    /// @dev Per brand, one word read and rewritten whole by each operation: the day's count and the brand's
    /// limits, so that validation reads one slot for both (a new day rewrites a nonzero slot: 2,900 gas, not
    /// 20,000). Bits 0-31 the count, 32-63 its day, 64-95 opsPerAccountPerDay, 96-127 opsPerBrandPerDay,
    /// 128-223 maxCostPerOp, bit 224 set when the brand has limits of its own (otherwise the default's).
    mapping(uint32 brandId => uint256 budget) private _brands;

    uint256 private constant _COUNT_BITS = 64;
    uint256 private constant _OWN_LIMITS = uint256(1) << 224;

    /// @notice The operation's nonce key is not 0: the daily count of an account reads the key-0 sequence.
    error HallmarkNonceKeyNotSponsored(uint192 key);

    constructor(
        IEntryPoint entryPoint_,
        IBrandRegistry registry_,
        address certificate_,
        address garments_,
        IHallmarkPasskeyAccountFactory factory_,
        Limits memory limits_
    ) BrandGated(registry_) {
        _entryPoint = entryPoint_;
        _certificate = certificate_;
        _garments = garments_;
        _accountCodeHash = factory_.accountCodeHash();
        _defaultLimits = _packLimits(limits_);
    }

    modifier onlyGroupAdmin() {
        if (!_isGroupAdmin(msg.sender)) revert HallmarkNotGroupAdmin(msg.sender);
        _;
    }

    /// @inheritdoc Paymaster
    function entryPoint() public view override returns (IEntryPoint) {
        return _entryPoint;
    }

    /// @inheritdoc IHallmarkPaymaster
    function setLimits(uint32 brandId, Limits calldata limits_) external onlyGroupAdmin {
        _brands[brandId] = (_brands[brandId] & ((1 << _COUNT_BITS) - 1)) | _packLimits(limits_) | _OWN_LIMITS;
        emit LimitsSet(brandId, limits_.opsPerAccountPerDay, limits_.opsPerBrandPerDay, limits_.maxCostPerOp);
    }

    /// @inheritdoc IHallmarkPaymaster
    function deposit() external payable {
        _deposit(msg.value);
    }

    /// @inheritdoc IHallmarkPaymaster
    function withdraw(address payable to, uint256 amount) external onlyGroupAdmin {
        _withdraw(to, amount);
    }

    /// @inheritdoc IHallmarkPaymaster
    function limits(uint32 brandId) external view returns (Limits memory) {
        return _unpackLimits(_limitsOf(_brands[brandId]));
    }

    /// @inheritdoc IHallmarkPaymaster
    function defaultLimits() external view returns (Limits memory) {
        return _unpackLimits(_defaultLimits);
    }

    /// @inheritdoc IHallmarkPaymaster
    function accountOpsToday(address account) external view returns (uint32) {
        uint256 start = _accountDayStart[account];
        if (start >> 64 != _today()) return 0;
        return uint32(uint64(_entryPoint.getNonce(account, 0)) - uint64(start));
    }

    /// @inheritdoc IHallmarkPaymaster
    function brandOpsToday(uint32 brandId) external view returns (uint32) {
        return _opsOn(_brands[brandId], _today());
    }

    /// @dev Refuses (reverts) anything outside the rules; counts what it accepts. No context: no postOp.
    function _validatePaymasterUserOp(
        PackedUserOperation calldata userOp,
        bytes32 /* userOpHash */,
        uint256 requiredPreFund
    ) internal override returns (bytes memory context, uint256 validationData) {
        address account = userOp.sender;
        if (account.codehash != _accountCodeHash) revert HallmarkNotPasskeyAccount(account);
        uint32 brandId = _sponsoredBrand(account, userOp.callData);
        uint256 budget = _brands[brandId];
        uint256 packed = _limitsOf(budget);
        uint256 maxCostPerOp = uint96(packed >> 128);
        if (requiredPreFund > maxCostPerOp) revert HallmarkOperationTooCostly(requiredPreFund, maxCostPerOp);
        uint32 day = _today();
        uint32 accountLimit = uint32(packed >> 64);
        if (!_countAccount(account, userOp.nonce, day, accountLimit)) {
            revert HallmarkAccountDailyLimit(account, accountLimit);
        }
        uint32 ops = _opsOn(budget, day);
        uint32 brandLimit = uint32(packed >> 96);
        if (ops >= brandLimit) revert HallmarkBrandDailyLimit(brandId, brandLimit);
        _brands[brandId] = (budget & ~uint256((1 << _COUNT_BITS) - 1)) | (uint256(day) << 32) | (ops + 1);
        // No log of our own: the EntryPoint's UserOperationEvent already names the account and this paymaster,
        // and the call names the piece (a log would cost about 1,900 gas of every sponsored operation).
        return ("", 0);
    }

    /// @dev The brand whose budget pays for `callData` (0 for account upkeep only); reverts unless every call
    /// is sponsored.
    function _sponsoredBrand(address account, bytes calldata callData) private view returns (uint32 brandId) {
        bytes4 selector = callData.length < 4 ? bytes4(0) : bytes4(callData[0:4]);
        if (
            selector != IERC7821.execute.selector ||
            callData.length < 68 ||
            bytes32(callData[4:36]) != _BATCH_MODE
        ) {
            revert HallmarkUnsupportedOperation(selector);
        }
        // execute(bytes32 mode, bytes executionData): the bytes' offset is relative to the arguments.
        uint256 offset = 4 + uint256(bytes32(callData[36:68]));
        uint256 length = uint256(bytes32(callData[offset:offset + 32]));
        Execution[] calldata calls = ERC7579Utils.decodeBatch(callData[offset + 32:offset + 32 + length]);
        if (calls.length == 0) revert HallmarkUnsupportedOperation(selector);
        for (uint256 i = 0; i < calls.length; ++i) {
            uint32 callBrand = _sponsoredCallBrand(account, calls[i]);
            if (callBrand == 0) continue;
            if (brandId != 0 && brandId != callBrand) revert HallmarkMixedBrands(brandId, callBrand);
            brandId = callBrand;
        }
    }

    /// @dev The brand a sponsored call concerns (0: the account's own upkeep); reverts on any other call.
    function _sponsoredCallBrand(address account, Execution calldata call) private view returns (uint32) {
        address target = call.target;
        bytes calldata data = call.callData;
        if (call.value != 0) revert HallmarkValueNotSponsored(target, call.value);
        bytes4 selector = data.length < 4 ? bytes4(0) : bytes4(data[0:4]);
        if (target == _certificate) {
            // transferFrom and both safeTransferFrom: (from, to, tokenId, ...).
            if (
                selector == IERC721.transferFrom.selector ||
                selector == bytes4(keccak256("safeTransferFrom(address,address,uint256)")) ||
                selector == bytes4(keccak256("safeTransferFrom(address,address,uint256,bytes)"))
            ) return _brandOfToken(data, 68);
            // (tokenId, ...).
            if (
                selector == IHallmarkCertificate.reportStolen.selector ||
                selector == IHallmarkCertificate.claimWithCode.selector ||
                selector == IHallmarkCertificate.claimWithChip.selector ||
                selector == IHallmarkCertificate.setClaimKey.selector
            ) return _brandOfToken(data, 4);
        } else if (target == _garments) {
            if (selector == IERC1155.safeTransferFrom.selector) {
                return IHallmarkGarments(_garments).design(_word(data, 68)).brandId;
            }
            // claimTwin(designId, certificateId, position, proof): the certificate's brand (its id, the second
            // argument), which the design must share.
            if (selector == IHallmarkGarments.claimTwin.selector) return _brandOfToken(data, 36);
        } else if (target == account) {
            if (
                selector == IHallmarkPasskeyAccount.addPasskey.selector ||
                selector == IHallmarkPasskeyAccount.removePasskey.selector ||
                selector == IHallmarkPasskeyAccount.setRecovery.selector ||
                selector == IHallmarkPasskeyAccount.cancelRecovery.selector
            ) return 0;
        }
        revert HallmarkCallNotSponsored(target, selector);
    }

    /// @dev A token id's brand is its top 32 bits (HallmarkCertificate.tokenIdOf).
    function _brandOfToken(bytes calldata data, uint256 at) private pure returns (uint32) {
        return uint32(_word(data, at) >> 224);
    }

    function _word(bytes calldata data, uint256 at) private pure returns (uint256) {
        return uint256(bytes32(data[at:at + 32]));
    }

    /// @dev Whether the account may have one more operation today (its nonce `nonce`); records the day's first.
    function _countAccount(address account, uint256 nonce, uint32 day, uint32 limit) private returns (bool) {
        uint192 key = uint192(nonce >> 64);
        if (key != 0) revert HallmarkNonceKeyNotSponsored(key);
        uint64 sequence = uint64(nonce);
        uint256 start = _accountDayStart[account];
        if (start >> 64 == day) return sequence - uint64(start) < limit;
        if (limit == 0) return false;
        _accountDayStart[account] = (uint256(day) << 64) | sequence;
        return true;
    }

    /// @dev The operations a brand's word counts on `day` (0 if it is another day's count).
    function _opsOn(uint256 budget, uint32 day) private pure returns (uint32) {
        return uint32(budget >> 32) == day ? uint32(budget) : 0;
    }

    /// @dev A brand's limits, packed (bits 64 to 223): its own, or the default.
    function _limitsOf(uint256 budget) private view returns (uint256) {
        return
            budget & _OWN_LIMITS != 0
                ? budget & (((1 << 224) - 1) ^ ((1 << _COUNT_BITS) - 1))
                : _defaultLimits;
    }

    function _packLimits(Limits memory limits_) private pure returns (uint256) {
        return
            (uint256(limits_.opsPerAccountPerDay) << 64) |
            (uint256(limits_.opsPerBrandPerDay) << 96) |
            (uint256(limits_.maxCostPerOp) << 128);
    }

    function _unpackLimits(uint256 packed) private pure returns (Limits memory) {
        return Limits(uint32(packed >> 64), uint32(packed >> 96), uint96(packed >> 128));
    }

    function _today() private view returns (uint32) {
        return uint32(block.timestamp / 1 days);
    }
}
