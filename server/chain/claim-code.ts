import { randomInt } from "node:crypto";
import { keccak256, toUtf8Bytes, Wallet } from "ethers";

/**
 * How a one-time claim code is written and how it becomes the claim key the certificate stores.
 *
 * A code is 24 random symbols of Crockford's base32 (120 bits) and one check symbol, printed in
 * five groups of five: `7KQ2M-9XRT4-HB0WE-3NVPD-C8J6A`. The check symbol (Luhn mod 32) catches
 * any single mistyped symbol and any swap of two neighbours before a request is made. The claim
 * key is the private key keccak256("hallmark.claim-code.v1:" + the 25 symbols): the key's address
 * is public on-chain, so the code is only as strong as its entropy; 120 bits hashed to a key cost
 * a secp256k1 multiplication per guess, far beyond reach even against every open code at once.
 *
 * Codes printed before this format (the 0x-prefixed 32-byte private key itself) stay valid: they
 * are the key, undisturbed. `server/web/assets/claim-code.js` is the browser's copy of parsing
 * and the check symbol (the pages have no build step); a test holds the two to the same answers.
 */
export const CLAIM_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CLAIM_CODE_DATA_SYMBOLS = 24;
const GROUP = 5;
const KEY_DOMAIN = "hallmark.claim-code.v1:";

/** Why a typed code was refused before any request. */
export type ClaimCodeProblem = "empty" | "characters" | "length" | "check";

export type ParsedClaimCode =
  | { ok: true; kind: "grouped"; code: string }
  | { ok: true; kind: "legacy"; code: string }
  | { ok: false; problem: ClaimCodeProblem };

/** Crockford's readings of look-alike letters: O is zero, I and L are one. */
const ALIASES: Readonly<Record<string, string>> = { O: "0", I: "1", L: "1" };

function checkSymbol(symbols: string): string {
  // Luhn mod N (N = 32), doubling from the rightmost data symbol.
  const n = CLAIM_CODE_ALPHABET.length;
  let sum = 0;
  let double = true;
  for (let i = symbols.length - 1; i >= 0; i--) {
    let value = CLAIM_CODE_ALPHABET.indexOf(symbols[i]);
    if (double) {
      value *= 2;
      value = Math.floor(value / n) + (value % n);
    }
    sum += value;
    double = !double;
  }
  return CLAIM_CODE_ALPHABET[(n - (sum % n)) % n];
}

/** `XXXXX-XXXXX-…`: the printed form of 25 symbols. */
export function groupClaimCode(symbols: string): string {
  return symbols.match(new RegExp(`.{1,${GROUP}}`, "g"))!.join("-");
}

/**
 * A code as a person typed or a QR code carried it: spaces, dashes and case ignored, O/I/L read
 * as 0/1. A 0x-prefixed 64-digit hex string is a code of the earlier format.
 */
export function parseClaimCode(text: string): ParsedClaimCode {
  const trimmed = text.trim();
  if (/^(?:0x)?[0-9a-fA-F]{64}$/.test(trimmed))
    return { ok: true, kind: "legacy", code: `0x${trimmed.replace(/^0x/, "").toLowerCase()}` };
  const symbols = trimmed
    .toUpperCase()
    .replace(/[\s\-‐‑–—_.]/g, "")
    .replace(/[OIL]/g, (c) => ALIASES[c]);
  if (symbols === "") return { ok: false, problem: "empty" };
  if ([...symbols].some((c) => !CLAIM_CODE_ALPHABET.includes(c))) return { ok: false, problem: "characters" };
  if (symbols.length !== CLAIM_CODE_DATA_SYMBOLS + 1) return { ok: false, problem: "length" };
  const data = symbols.slice(0, CLAIM_CODE_DATA_SYMBOLS);
  if (checkSymbol(data) !== symbols[CLAIM_CODE_DATA_SYMBOLS]) return { ok: false, problem: "check" };
  return { ok: true, kind: "grouped", code: groupClaimCode(symbols) };
}

/** The claim key's private key for a parsed code. */
export function claimKeyOf(parsed: Extract<ParsedClaimCode, { ok: true }>): Wallet {
  if (parsed.kind === "legacy") return new Wallet(parsed.code);
  return new Wallet(keccak256(toUtf8Bytes(KEY_DOMAIN + parsed.code.replaceAll("-", ""))));
}

/** A fresh code (from the OS's CSPRNG) and its claim key. */
export function newClaimCode(): { code: string; key: Wallet } {
  let data = "";
  for (let i = 0; i < CLAIM_CODE_DATA_SYMBOLS; i++) data += CLAIM_CODE_ALPHABET[randomInt(32)];
  const parsed = parseClaimCode(data + checkSymbol(data));
  if (!parsed.ok) throw new Error("newClaimCode built an invalid code");
  return { code: parsed.code, key: claimKeyOf(parsed) };
}
