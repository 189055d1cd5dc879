// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

// Test names follow the Foundry convention test_fn_condition / testFuzz_fn_condition.
// solhint-disable func-name-mixedcase, quotes

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {PackedWebAuthn} from "./PackedWebAuthn.sol";
import {PackedWebAuthnHarness} from "../test-utils/PackedWebAuthnHarness.sol";
import {VM} from "../test-utils/Vm.sol";

/// @notice PackedWebAuthn: its base64url is OpenZeppelin's, a valid assertion passes, and each of WebAuthn's
/// checks refuses on its own (false, never a revert). The signatures were made with the noble-curves library over the
/// assertions this test builds (authenticator data with the flags named, the client data of `_clientData`); the
/// packed assertion carries only the client data's `_SUFFIX`, the library rebuilding the type and challenge.
contract PackedWebAuthnTest {
    PackedWebAuthnHarness private harness = new PackedWebAuthnHarness();

    bytes32 private constant CHALLENGE = keccak256("a user operation");
    bytes1 private constant UP_UV = 0x05;
    bytes1 private constant UP_UV_BE_BS = 0x1d;
    bytes1 private constant UP_UV_BS = 0x15;
    /// What follows the type and challenge in the client data the signatures were made over.
    bytes private constant _SUFFIX = ',"origin":"https://hallmark.example"}';

    /// The challenge's encoding equals OpenZeppelin's Base64.encodeURL, for any 32 bytes.
    function testFuzz_base64Url_matchesOpenZeppelin(bytes32 challenge) public pure {
        (bytes32 head, bytes11 tail) = PackedWebAuthn.base64Url(challenge);
        VM.assertEq(
            keccak256(abi.encodePacked(head, tail)),
            keccak256(bytes(Base64.encodeURL(abi.encodePacked(challenge)))),
            "base64url differs"
        );
    }

    function test_base64Url_matchesOpenZeppelinAtTheEdges() public pure {
        testFuzz_base64Url_matchesOpenZeppelin(bytes32(0));
        testFuzz_base64Url_matchesOpenZeppelin(bytes32(type(uint256).max));
        // 0xfbefbe... is "----" in base64url, 0xffffff... "____": the alphabet's last two characters.
        testFuzz_base64Url_matchesOpenZeppelin(
            bytes32(0xfbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbeffff)
        );
    }

    function test_verify_acceptsAValidAssertion() public view {
        VM.assertTrue(harness.verify(CHALLENGE, _signed(UP_UV)), "UP and UV");
        // Backed up (BS) and eligible for it (BE): consistent.
        VM.assertTrue(harness.verify(CHALLENGE, _signed(UP_UV_BE_BS)), "UP, UV, BE and BS");
    }

    function test_verify_refusesAnotherSignatureOrChallenge() public view {
        VM.assertFalse(harness.verify(keccak256("another"), _signed(UP_UV)), "another challenge");
        bytes memory assertion = _signed(UP_UV);
        assertion[63] = assertion[63] ^ 0x01; // s changed
        VM.assertFalse(harness.verify(CHALLENGE, assertion), "another signature");
    }

    function test_verify_refusesBackedUpWithoutBackupEligibility() public view {
        // Signed, but BS (0x10) without BE (0x08) is inconsistent.
        VM.assertFalse(harness.verify(CHALLENGE, _signed(UP_UV_BS)), "BS without BE");
    }

    function test_verify_refusesTruncatedAssertions() public view {
        VM.assertFalse(harness.verify(CHALLENGE, hex"00"), "shorter than its header");
        bytes memory header = new bytes(PackedWebAuthn.HEADER);
        header[65] = 0x40; // 64 bytes of authenticator data announced, none there
        VM.assertFalse(harness.verify(CHALLENGE, header), "authenticator data beyond the end");
    }

    function test_verify_refusesShortAuthenticatorData() public view {
        VM.assertTrue(!harness.verify(CHALLENGE, _assertion(0, 0, new bytes(36), _SUFFIX)), "36 bytes");
    }

    function test_verify_refusesAnotherType() public view {
        // Signed over `{"type":"webauthn.create","challenge":"<CHALLENGE>"` ‖ _SUFFIX with UP and UV: a valid
        // registration's signature, but the library rebuilds a webauthn.get.
        bytes memory create = _assertion(
            bytes32(0xf40287eff4a30f868b2b2ef5a9ffcbc868f6e4f48a2d3bd7731152c520203266),
            bytes32(0x5aa2bd000b0e5b21233413158c2f996b49d90d8275827412c7f7cd57e32a5082),
            _authenticatorData(UP_UV),
            _SUFFIX
        );
        VM.assertFalse(harness.verify(CHALLENGE, create), "create");
    }

    function test_verify_refusesAClientDataOtherThanSigned() public view {
        (bytes32 r, bytes32 s) = _signature(UP_UV);
        bytes memory authenticatorData = _authenticatorData(UP_UV);
        VM.assertFalse(
            harness.verify(
                CHALLENGE,
                _assertion(r, s, authenticatorData, ',"origin":"https://hallmark.evil"}')
            ),
            "another origin in the suffix"
        );
        VM.assertFalse(harness.verify(CHALLENGE, _assertion(r, s, authenticatorData, "")), "no suffix");
        // The whole client data sent: its type and challenge would be there twice.
        VM.assertFalse(
            harness.verify(CHALLENGE, _assertion(r, s, authenticatorData, _clientData(CHALLENGE))),
            "type and challenge not cut"
        );
    }

    function test_verify_refusesWithoutUserPresenceOrVerification() public view {
        for (uint8 flags = 0; flags < 8; ++flags) {
            if (flags & 0x05 == 0x05) continue;
            bytes memory assertion = _assertion(0, 0, _authenticatorData(bytes1(flags)), _SUFFIX);
            VM.assertFalse(harness.verify(CHALLENGE, assertion), "UP and UV required");
        }
    }

    /// @dev The assertion signed by the test key over CHALLENGE with authenticator data of these flags.
    function _signed(bytes1 flags) private pure returns (bytes memory) {
        (bytes32 r, bytes32 s) = _signature(flags);
        return _assertion(r, s, _authenticatorData(flags), _SUFFIX);
    }

    /// @dev The test key's signature over CHALLENGE's client data and authenticator data of these flags.
    function _signature(bytes1 flags) private pure returns (bytes32 r, bytes32 s) {
        (r, s) = flags == UP_UV
            ? (
                bytes32(0xed3d95f139f2fac04e07aa3c9136c14aaa925176689cccc22401e44a75c958ff),
                bytes32(0x2a09beedd9727455be63c3235f4fe1a4df71237109831f207f2cccc8cf7cfe22)
            )
            : flags == UP_UV_BE_BS
                ? (
                    bytes32(0xa7325ca0746554aacf90dffc99a42d322f4014ad2b1b5a8b93bb607b20f982c0),
                    bytes32(0x3a295216c70df12774e02da03a766392155fe8c2ea89eaac86728952002dc2c4)
                )
                : (
                    bytes32(0x94b492a90195e30203d1787c16858632d2bd4480daee1096ae696d11a0c559c0),
                    bytes32(0x54aac0bb93aa951e0e88f3d90392eb96cf9fd2cfe7ae0a876942ac8621535807)
                );
    }

    function _assertion(
        bytes32 r,
        bytes32 s,
        bytes memory authenticatorData,
        bytes memory clientDataSuffix
    ) private pure returns (bytes memory) {
        return abi.encodePacked(r, s, uint16(authenticatorData.length), authenticatorData, clientDataSuffix);
    }

    function _authenticatorData(bytes1 flags) private pure returns (bytes memory) {
        return abi.encodePacked(keccak256("hallmark.example"), flags, uint32(1));
    }

    function _clientData(bytes32 challenge) private pure returns (bytes memory) {
        return abi.encodePacked('{"type":"webauthn.get","challenge":"', _encoded(challenge), '"', _SUFFIX);
    }

    function _encoded(bytes32 challenge) private pure returns (string memory) {
        return Base64.encodeURL(abi.encodePacked(challenge));
    }
}
