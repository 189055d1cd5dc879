// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IBrandRegistry} from "../interfaces/IBrandRegistry.sol";
import {IHallmarkCertificate} from "../interfaces/IHallmarkCertificate.sol";
import {HallmarkCertificate} from "../certificate/HallmarkCertificate.sol";
import {BrandRoles} from "../registry/BrandRoles.sol";
import {Vm, VM} from "./Vm.sol";

/// @title IssuanceHandler
/// @notice Test-only invariant handler: the fuzzer calls it to issue random serials of random brands, singly,
/// in random batches (duplicates within and across batches included), as successors (with and without the
/// owner's consent), and as callers without the issuer role. It keeps its own model of which (brand, serial hash) pairs exist, independent of how the
/// contract derives token ids, and counts every outcome that disagrees with the model.
contract IssuanceHandler {
    Vm private constant vm = VM; // solhint-disable-line const-name-snakecase

    /// @dev Small enough that the fuzzer keeps hitting serials already issued.
    uint256 public constant SERIAL_SPACE = 48;
    uint256 public constant MAX_BATCH = 8;
    uint256 public constant BRAND_COUNT = 2;

    HallmarkCertificate public immutable certificate;
    IBrandRegistry public immutable registry;
    address[] private _issuers;
    address[] private _holders;

    /// @notice Certificates the contract reported minted, counted per token in successful calls.
    uint256 public ghostMints;
    /// @notice Distinct (brand, serial hash) pairs among the successful mints.
    uint256 public ghostDistinctPairs;
    /// @notice Calls whose outcome (minted or reverted) disagreed with the model.
    uint256 public ghostUnexpectedOutcomes;
    /// @notice Mints that succeeded for a caller without the issuer role of the brand.
    uint256 public ghostUnauthorizedMints;
    /// @notice Calls by kind, to check the campaign exercised every path.
    uint256 public callsReverted;
    uint256 public callsMinted;

    mapping(uint32 brandId => mapping(bytes32 serialHash => bool)) private _issued;
    mapping(uint256 tokenId => bool) private _retired;
    uint256[] private _tokens;
    uint32[] private _tokenBrands;
    bytes32[] private _tokenSerials;

    constructor(
        HallmarkCertificate certificate_,
        IBrandRegistry registry_,
        address[] memory issuers_,
        address[] memory holders_
    ) {
        certificate = certificate_;
        registry = registry_;
        _issuers = issuers_;
        _holders = holders_;
    }

    // --------------------------------------------------------------------------------------- actions

    /// @notice Issues one certificate as the brand's issuer.
    function issue(uint256 brandSeed, uint256 serialSeed, uint256 holderSeed) external {
        (uint32 brandId, address issuer) = _brand(brandSeed);
        bytes32 serialHash = _serialHash(brandId, serialSeed);
        bool expected = !_issued[brandId][serialHash];

        vm.prank(issuer);
        try certificate.issue(brandId, _holder(holderSeed), _input(serialHash)) returns (uint256 tokenId) {
            _recordMint(brandId, serialHash, tokenId);
            _checkOutcome(expected, true);
        } catch {
            _checkOutcome(expected, false);
        }
    }

    /// @notice Issues a batch of 1..MAX_BATCH random serials as the brand's issuer.
    function issueBatch(uint256 brandSeed, uint256 batchSeed, uint256 size, uint256 holderSeed) external {
        (uint32 brandId, address issuer) = _brand(brandSeed);
        uint256 n = 1 + (size % MAX_BATCH);
        IHallmarkCertificate.CertificateInput[] memory items = new IHallmarkCertificate.CertificateInput[](n);
        bool expected = true;
        for (uint256 i; i < n; ++i) {
            bytes32 serialHash = _serialHash(brandId, uint256(keccak256(abi.encode(batchSeed, i))));
            items[i] = _input(serialHash);
            if (_issued[brandId][serialHash]) expected = false;
            for (uint256 j; j < i; ++j) if (items[j].serialHash == serialHash) expected = false;
        }

        vm.prank(issuer);
        try certificate.issueBatch(brandId, _holder(holderSeed), items) {
            for (uint256 i; i < n; ++i) {
                _recordMint(
                    brandId,
                    items[i].serialHash,
                    certificate.tokenIdOf(brandId, items[i].serialHash)
                );
            }
            _checkOutcome(expected, true);
        } catch {
            _checkOutcome(expected, false);
        }
    }

    /// @notice Issues a successor for an existing certificate, under a random serial, with or without the
    /// owner's consent (an approval of the issuer for that certificate).
    function issueSuccessor(uint256 tokenSeed, uint256 serialSeed, bool withConsent) external {
        if (_tokens.length == 0) return;
        uint256 index = tokenSeed % _tokens.length;
        uint256 predecessorId = _tokens[index];
        uint32 brandId = _tokenBrands[index];
        address issuer = _issuers[brandId - 1];
        address owner = certificate.ownerOf(predecessorId);
        bytes32 serialHash = _serialHash(brandId, serialSeed);
        bool expected = withConsent && !_retired[predecessorId] && !_issued[brandId][serialHash];
        if (withConsent) {
            vm.prank(owner);
            certificate.approve(issuer, predecessorId);
        }

        vm.prank(issuer);
        try certificate.issueSuccessor(predecessorId, _input(serialHash), "tag replaced") returns (
            uint256 tokenId
        ) {
            _retired[predecessorId] = true;
            _recordMint(brandId, serialHash, tokenId);
            _checkOutcome(expected, true);
        } catch {
            _checkOutcome(expected, false);
        }
        if (withConsent) {
            // The consent was for this attempt only.
            vm.prank(owner);
            certificate.approve(address(0), predecessorId);
        }
    }

    /// @notice Tries to issue as an arbitrary caller; only the brand's issuer may.
    function issueAsAnyone(address caller, uint256 brandSeed, uint256 serialSeed) external {
        (uint32 brandId, ) = _brand(brandSeed);
        bool isIssuer = registry.hasBrandRole(brandId, BrandRoles.ISSUER, caller);
        bytes32 serialHash = _serialHash(brandId, serialSeed);

        vm.prank(caller);
        try certificate.issue(brandId, _holder(serialSeed), _input(serialHash)) returns (uint256 tokenId) {
            if (!isIssuer) ++ghostUnauthorizedMints;
            _recordMint(brandId, serialHash, tokenId);
        } catch {
            ++callsReverted;
        }
    }

    // ----------------------------------------------------------------------------------------- views

    /// @notice The number of certificates the handler saw minted.
    function tokenCount() external view returns (uint256) {
        return _tokens.length;
    }

    /// @notice A minted certificate with the brand and serial hash it was issued for.
    function tokenAt(
        uint256 index
    ) external view returns (uint256 tokenId, uint32 brandId, bytes32 serialHash) {
        return (_tokens[index], _tokenBrands[index], _tokenSerials[index]);
    }

    /// @notice The accounts certificates were issued to.
    function holders() external view returns (address[] memory) {
        return _holders;
    }

    // ------------------------------------------------------------------------------------- internals

    function _recordMint(uint32 brandId, bytes32 serialHash, uint256 tokenId) private {
        ++ghostMints;
        if (!_issued[brandId][serialHash]) {
            _issued[brandId][serialHash] = true;
            ++ghostDistinctPairs;
        }
        _tokens.push(tokenId);
        _tokenBrands.push(brandId);
        _tokenSerials.push(serialHash);
    }

    function _checkOutcome(bool expected, bool minted) private {
        if (minted) ++callsMinted;
        else ++callsReverted;
        if (expected != minted) ++ghostUnexpectedOutcomes;
    }

    function _brand(uint256 seed) private view returns (uint32 brandId, address issuer) {
        brandId = uint32(1 + (seed % BRAND_COUNT));
        issuer = _issuers[brandId - 1];
    }

    function _holder(uint256 seed) private view returns (address) {
        return _holders[seed % _holders.length];
    }

    /// @dev A brand-salted hash of a serial from a small space, as a brand would commit it.
    function _serialHash(uint32 brandId, uint256 seed) private pure returns (bytes32) {
        return keccak256(abi.encode("salt", brandId, seed % SERIAL_SPACE));
    }

    function _input(bytes32 serialHash) private pure returns (IHallmarkCertificate.CertificateInput memory) {
        return
            IHallmarkCertificate.CertificateInput({
                serialHash: serialHash,
                metadataDigest: keccak256(abi.encode("metadata", serialHash)),
                chip: address(0),
                claimKey: address(0)
            });
    }
}
