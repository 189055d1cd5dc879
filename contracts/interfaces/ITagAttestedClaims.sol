// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ITagAttestedClaims
/// @notice Claims by a fresh tap of an NFC tag that cannot sign (NXP NTAG 424 DNA): the brand's tag oracle
/// verifies the tap's AES-CMAC off-chain and attests it with an EIP-712 TagClaim, which the certificate accepts
/// under the same owner-consent rule as a claim with a signing chip. After ERC-6956's oracle attestations.
interface ITagAttestedClaims {
    /// @notice The attested tap's counter is not above the last one attested for this certificate: a replay.
    error HallmarkStaleTagCounter(uint256 tokenId, uint256 counter, uint256 lastCounter);

    /// @notice The certificate moved to `to` on a tag oracle's attestation of tap `counter` of its tag.
    event ClaimedWithTag(
        uint256 indexed tokenId,
        address indexed from,
        address indexed to,
        uint256 counter,
        address oracle
    );

    /// @notice Lets the owner opt in (or out) to claims by physical presence of the piece: a tag oracle's
    /// attestation or a chip's signature. Moving the certificate clears it (ChipClaimsEnabled reports it).
    function setTagClaimsEnabled(uint256 tokenId, bool enabled) external;

    /// @notice Moves the certificate to `recipient` on the attestation, signed by `oracle` (a holder of the
    /// brand's TAG_ORACLE role, an EOA or an ERC-1271 wallet), that the piece's tag was freshly tapped with
    /// counter `counter`: TagClaim(tokenId, recipient, counter, deadline). The owner must have opted in, or
    /// the brand vault hold the certificate; the counter must be above the last one attested for it.
    function claimWithTag(
        uint256 tokenId,
        address recipient,
        uint256 counter,
        uint256 deadline,
        address oracle,
        bytes calldata attestation
    ) external;

    /// @notice The last tap counter attested for a claim of `tokenId` (0 when none).
    function tagCounterOf(uint256 tokenId) external view returns (uint256);
}
