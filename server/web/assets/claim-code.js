// Claim codes as a customer types them: the browser's copy of server/chain/claim-code.ts (parsing and
// the check symbol; the pages have no build step, and a test holds both copies to the same answers).
// A typo is caught here, before any request. No imports: node's tests load this file too.
export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const DATA_SYMBOLS = 24;
export const KEY_DOMAIN = "hallmark.claim-code.v1:";
const ALIASES = { O: "0", I: "1", L: "1" };

function checkSymbol(symbols) {
  const n = ALPHABET.length;
  let sum = 0;
  let double = true;
  for (let i = symbols.length - 1; i >= 0; i--) {
    let value = ALPHABET.indexOf(symbols[i]);
    if (double) {
      value *= 2;
      value = Math.floor(value / n) + (value % n);
    }
    sum += value;
    double = !double;
  }
  return ALPHABET[(n - (sum % n)) % n];
}

/** { ok: true, kind: "grouped" | "legacy", code } or { ok: false, problem: "empty" | "characters" | "length" | "check" }. */
export function parseClaimCode(text) {
  const trimmed = String(text).trim();
  if (/^(?:0x)?[0-9a-fA-F]{64}$/.test(trimmed))
    return { ok: true, kind: "legacy", code: `0x${trimmed.replace(/^0x/, "").toLowerCase()}` };
  const symbols = trimmed
    .toUpperCase()
    .replace(/[\s\-‐‑–—_.]/g, "")
    .replace(/[OIL]/g, (c) => ALIASES[c]);
  if (symbols === "") return { ok: false, problem: "empty" };
  if ([...symbols].some((c) => !ALPHABET.includes(c))) return { ok: false, problem: "characters" };
  if (symbols.length !== DATA_SYMBOLS + 1) return { ok: false, problem: "length" };
  if (checkSymbol(symbols.slice(0, DATA_SYMBOLS)) !== symbols[DATA_SYMBOLS])
    return { ok: false, problem: "check" };
  return { ok: true, kind: "grouped", code: symbols.match(/.{1,5}/g).join("-") };
}

/** The claim key's private key (hex) for a parsed code; `keccak256` and `toUtf8Bytes` are ethers'. */
export function claimKeyHex(parsed, { keccak256, toUtf8Bytes }) {
  if (parsed.kind === "legacy") return parsed.code;
  return keccak256(toUtf8Bytes(KEY_DOMAIN + parsed.code.replaceAll("-", "")));
}
