// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {PackedWebAuthn} from "../account/PackedWebAuthn.sol";

/// @dev PackedWebAuthn reads a calldata assertion: an external entry point to hand it one.
contract PackedWebAuthnHarness {
    // A P-256 key made for this test (keccak256("PackedWebAuthn test key") as its secret).
    bytes32 internal constant QX = 0x7f4bbce6c059c4778e482109bc2754438b76729cbfba082780d9a11b7550358d;
    bytes32 internal constant QY = 0xcf7faa47c040bf0765b03f906f4a73f74a114df0f01e7f0b885aea58ff7c9b28;

    function verify(bytes32 challenge, bytes calldata assertion) external view returns (bool) {
        return PackedWebAuthn.verify(challenge, assertion, QX, QY);
    }
}
