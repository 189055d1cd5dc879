// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";

// The JSON fragments below hold double quotes.
// solhint-disable quotes

/// @title PackedWebAuthn
/// @notice OpenZeppelin's WebAuthn.verify with user verification required, step for step, read in place from a
/// packed assertion in calldata: `r ‖ s ‖ uint16 authenticatorData.length ‖ authenticatorData ‖
/// clientDataSuffix`, where the client data JSON is `{"type":"webauthn.get","challenge":"` ‖ the challenge in
/// base64url ‖ `"` ‖ clientDataSuffix.
/// @dev Every browser serialises the client data with type first and challenge second (WebAuthn's
/// "JSON-compatible serialization of client data"), so its first 80 bytes are known from the challenge: the
/// assertion leaves them out and the library rebuilds them, which makes WebAuthn's steps 11 (type is
/// webauthn.get) and 12 (the challenge is ours) hold by construction: a client data JSON of another type or
/// challenge hashes to something else, and its signature does not verify. The other checks are
/// WebAuthn.verify(challenge, auth, qx, qy, true)'s, in its order: authenticator data longer than 36 bytes; UP
/// and UV set; BE set or BS unset; P256.verify (high-s refused) of sha256(authenticatorData ‖
/// sha256(clientDataJSON)). What differs is the cost: 84 calldata bytes fewer than the whole client data and
/// two indexes (about 1,300 gas at 16 a byte), the assertion read in place, and the challenge's base64url
/// computed 32 characters at a time (SWAR) instead of one by one. A malformed assertion is false, never a
/// revert. The encoder is checked against OpenZeppelin's Base64.encodeURL (PackedWebAuthn.t.sol).
library PackedWebAuthn {
    /// @dev Where the authenticator data starts: after r, s and its uint16 length.
    uint256 internal constant HEADER = 66;

    bytes1 private constant _FLAG_UP = 0x01;
    bytes1 private constant _FLAG_UV = 0x04;
    bytes1 private constant _FLAG_BE = 0x08;
    bytes1 private constant _FLAG_BS = 0x10;

    /// @dev 0x01 in every byte.
    uint256 private constant _ONES = 0x0101010101010101010101010101010101010101010101010101010101010101;

    /// @notice Whether `assertion` is a WebAuthn assertion over `challenge` by the P-256 key (qx, qy), made with
    /// user verification.
    function verify(
        bytes32 challenge,
        bytes calldata assertion,
        bytes32 qx,
        bytes32 qy
    ) internal view returns (bool) {
        if (assertion.length < HEADER) return false;
        uint256 clientStart = HEADER + uint16(bytes2(assertion[64:66]));
        if (assertion.length < clientStart) return false;
        bytes calldata authenticatorData = assertion[HEADER:clientStart];
        if (authenticatorData.length <= 36) return false;
        bytes1 flags = authenticatorData[32];
        if (flags & _FLAG_UP != _FLAG_UP || flags & _FLAG_UV != _FLAG_UV) return false;
        if (flags & _FLAG_BE != _FLAG_BE && flags & _FLAG_BS != 0) return false;
        (bytes32 head, bytes11 tail) = base64Url(challenge);
        bytes32 clientDataHash = sha256(
            abi.encodePacked('{"type":"webauthn.get","challenge":"', head, tail, '"', assertion[clientStart:])
        );
        return
            P256.verify(
                sha256(abi.encodePacked(authenticatorData, clientDataHash)),
                bytes32(assertion[0:32]),
                bytes32(assertion[32:64]),
                qx,
                qy
            );
    }

    /// @notice `challenge` in base64url without padding: 43 characters, the first 32 in `head`, the last 11 in
    /// the top bytes of `tail`.
    function base64Url(bytes32 challenge) internal pure returns (bytes32 head, bytes11 tail) {
        // The top 192 bits make 32 characters; the low 64 bits, shifted by the 2 bits of padding, make 11 (the
        // 12th six-bit group, all zero, and the rest of the word are cut off).
        head = bytes32(_ascii(_spread(uint256(challenge) >> 64)));
        tail = bytes11(bytes32(_ascii(_spread((uint256(challenge) & type(uint64).max) << 128))));
    }

    /// @dev Spreads the low 192 bits of `x` into 32 bytes of 6 bits each, the highest bits in the first byte:
    /// halves into 128-bit lanes, then each lane's content halved into lanes half as wide, down to bytes.
    function _spread(uint256 x) private pure returns (uint256) {
        x = ((x >> 96) << 128) | (x & ((1 << 96) - 1));
        x =
            ((x & 0xffffffffffff00000000000000000000ffffffffffff000000000000) << 16) |
            (x & 0xffffffffffff00000000000000000000ffffffffffff);
        x =
            ((x & 0xffffff0000000000ffffff0000000000ffffff0000000000ffffff000000) << 8) |
            (x & 0xffffff0000000000ffffff0000000000ffffff0000000000ffffff);
        x =
            ((x & 0xfff00000fff00000fff00000fff00000fff00000fff00000fff00000fff000) << 4) |
            (x & 0xfff00000fff00000fff00000fff00000fff00000fff00000fff00000fff);
        x =
            ((x & 0xfc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc00fc0) << 2) |
            (x & 0x3f003f003f003f003f003f003f003f003f003f003f003f003f003f003f003f);
        return x;
    }

    /// @dev Maps each byte (a value below 64) to its base64url character, all 32 at once: 'A' + v, then +6
    /// from 26 ('a'), -75 from 52 ('0'), -13 from 62 ('-'), +49 for 63 ('_'). Each byte stays within 0-255
    /// when the additions come before the subtractions, so no carry crosses bytes.
    function _ascii(uint256 x) private pure returns (uint256) {
        unchecked {
            return
                x +
                _ONES * 65 +
                _atLeast(x, 26) * 6 +
                _atLeast(x, 63) * 49 -
                _atLeast(x, 52) * 75 -
                _atLeast(x, 62) * 13;
        }
    }

    /// @dev 1 in each byte whose value is at least `k` (values below 64), 0 in the others.
    function _atLeast(uint256 x, uint256 k) private pure returns (uint256) {
        unchecked {
            return ((x + _ONES * (128 - k)) >> 7) & _ONES;
        }
    }
}
