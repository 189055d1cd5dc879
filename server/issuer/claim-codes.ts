import { mkdir, open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, NonceManager } from "ethers";
import type { Signer, Wallet } from "ethers";
import QRCode from "qrcode";
import { newClaimCode } from "../chain/claim-code.js";
import { InvalidInputError } from "../errors.js";
import type { HallmarkContracts } from "./contracts.js";
import { SignerError, TransactionRefusedError } from "./errors.js";
import { currentFeePerGas, refusal } from "./transactions.js";
import type { GasEstimate } from "./transactions.js";

/**
 * One-time claim codes. A code yields the private key of a fresh EOA whose address the certificate
 * stores (`setClaimKey`); whoever holds the code signs Claim(tokenId, recipient, nonce, deadline)
 * and the certificate moves. Codes are printed in short groups with a check symbol so that a
 * customer can type one (server/chain/claim-code.ts says how, and why 120 bits suffice).
 * Codes go to the output files only.
 */
export interface ClaimCodeTarget {
  tokenId: bigint;
  serial?: string;
  productName?: string;
}

export interface ClaimCode extends Required<ClaimCodeTarget> {
  /** The secret printed on the card and carried by its QR code (`XXXXX-XXXXX-…`; older files: a 0x private key). */
  code: string;
  claimKey: string;
  claimUrl: string;
  txHash: string;
}

export const DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080";

/** A fresh code and the claim key it yields. */
export function generateClaimCode(): { code: string; key: Wallet } {
  return newClaimCode();
}

/** The verifier's claim screen; the code rides in the fragment, which browsers never send to the server. */
export function claimUrlOf(publicUrl: string, tokenId: bigint, code: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/claim/${tokenId.toString()}#code=${code}`;
}

const CSV_HEADER = ["tokenId", "serial", "productName", "claimUrl", "code", "claimKey", "txHash"] as const;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function claimCodeCsvLine(code: ClaimCode): string {
  return CSV_HEADER.map((column) => csvField(String(code[column]))).join(",");
}

/** Reads a codes CSV written by this module (to skip tokens that already have a code). */
export async function readClaimCodes(file: string): Promise<ClaimCode[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const { parse } = await import("csv-parse/sync");
  const records = parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true });
  return records.map((r) => ({
    tokenId: BigInt(r.tokenId),
    serial: r.serial ?? "",
    productName: r.productName ?? "",
    claimUrl: r.claimUrl,
    code: r.code,
    claimKey: r.claimKey,
    txHash: r.txHash,
  }));
}

async function appendCodes(file: string, codes: readonly ClaimCode[]): Promise<void> {
  if (codes.length === 0) return;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const handle = await open(file, "a", 0o600);
  try {
    const { size } = await handle.stat();
    const header = size === 0 ? CSV_HEADER.join(",") + "\n" : "";
    await handle.appendFile(header + codes.map(claimCodeCsvLine).join("\n") + "\n");
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export type ClaimCodeProgress =
  | { stage: "checked"; toSet: number; skipped: number }
  | { stage: "sent"; sent: number; total: number }
  | { stage: "confirmed"; confirmed: number; total: number };

export interface IssueClaimCodesOptions {
  contracts: HallmarkContracts;
  /** The certificates' owner (the brand vault) or an approved operator. */
  signer: Signer;
  targets: readonly ClaimCodeTarget[];
  /** CSV the codes are appended to, a batch at a time after confirmation. */
  codesFile: string;
  publicUrl?: string;
  /** Give a new code even to tokens that have one in the codes file (the old one stops working). */
  rotate?: boolean;
  dryRun?: boolean;
  confirmations?: number;
  /** Transactions in flight at once. */
  window?: number;
  onProgress?: (progress: ClaimCodeProgress) => void;
}

export interface ClaimCodesSummary {
  issued: ClaimCode[];
  skipped: number;
  estimate?: GasEstimate;
}

export async function issueClaimCodes(options: IssueClaimCodesOptions): Promise<ClaimCodesSummary> {
  const { certificate } = options.contracts;
  const report = options.onProgress ?? (() => undefined);
  const publicUrl = options.publicUrl ?? DEFAULT_PUBLIC_URL;
  const existing = options.rotate
    ? new Set<string>()
    : new Set((await readClaimCodes(options.codesFile)).map((c) => c.tokenId.toString()));
  const operator = await options.signer.getAddress();

  const targets: ClaimCodeTarget[] = [];
  const refusals: string[] = [];
  for (const target of options.targets) {
    if (existing.has(target.tokenId.toString())) continue;
    let owner: string;
    try {
      owner = await certificate.ownerOf(target.tokenId);
    } catch (error) {
      const refused = refusal(error, "ownerOf");
      if (refused instanceof TransactionRefusedError) {
        refusals.push(`${target.tokenId}: no such certificate`);
        continue;
      }
      throw error;
    }
    const allowed =
      getAddress(owner) === operator ||
      (await certificate.getApproved(target.tokenId)) === operator ||
      (await certificate.isApprovedForAll(owner, operator));
    if (!allowed)
      refusals.push(
        `${target.tokenId}: owned by ${owner}, and ${operator} is neither its owner nor approved`,
      );
    else targets.push(target);
  }
  if (refusals.length > 0) {
    throw new SignerError(
      `Cannot set claim codes for ${refusals.length} certificate(s): ${refusals.slice(0, 10).join("; ")}${refusals.length > 10 ? "; …" : ""}`,
    );
  }
  const skipped = options.targets.length - targets.length;
  report({ stage: "checked", toSet: targets.length, skipped });
  if (targets.length === 0) return { issued: [], skipped };

  if (options.dryRun) {
    const gas = await certificate
      .connect(options.signer)
      .setClaimKey.estimateGas(targets[0].tokenId, generateClaimCode().key.address);
    const feePerGas = await currentFeePerGas(options.signer.provider!);
    const total = gas * BigInt(targets.length);
    return { issued: [], skipped, estimate: { gas: total, feePerGas, cost: total * feePerGas } };
  }

  // A nonce manager lets a window of transactions fly at once; codes are written only once their
  // transaction is confirmed, so a crash loses at most a window of codes, which a re-run replaces.
  const sender = certificate.connect(new NonceManager(options.signer));
  const window = Math.max(1, options.window ?? 16);
  const issued: ClaimCode[] = [];
  let sent = 0;
  for (let i = 0; i < targets.length; i += window) {
    const chunk = targets.slice(i, i + window);
    const inFlight = [];
    for (const target of chunk) {
      const { code, key } = generateClaimCode();
      let response;
      try {
        response = await sender.setClaimKey(target.tokenId, key.address);
      } catch (error) {
        throw refusal(error, `setClaimKey(${target.tokenId})`);
      }
      sent++;
      report({ stage: "sent", sent, total: targets.length });
      inFlight.push({ target, code, key, response });
    }
    const confirmed: ClaimCode[] = [];
    for (const { target, code, key, response } of inFlight) {
      const mined = await response.wait(options.confirmations ?? 1);
      if (mined === null || mined.status !== 1)
        throw new TransactionRefusedError(`setClaimKey ${response.hash} failed on-chain`, null, []);
      confirmed.push({
        tokenId: target.tokenId,
        serial: target.serial ?? "",
        productName: target.productName ?? "",
        code,
        claimKey: key.address,
        claimUrl: claimUrlOf(publicUrl, target.tokenId, code),
        txHash: mined.hash,
      });
    }
    await appendCodes(options.codesFile, confirmed);
    issued.push(...confirmed);
    report({ stage: "confirmed", confirmed: issued.length, total: targets.length });
  }
  return { issued, skipped };
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** The sheet's words, in both languages the pages speak: a card often travels abroad with its piece. */
const SHEET_TEXT = {
  intro: [
    "Each code works once and transfers the certificate to whoever uses it. Keep this sheet locked away; hand each card only to the buyer of its piece.",
    "Chaque code ne sert qu'une fois et transfère le certificat à qui l'utilise. Gardez cette feuille sous clé ; ne remettez chaque carte qu'à l'acheteur de sa pièce.",
  ],
  register: ["Register your piece", "Enregistrez votre pièce"],
  scanOrType: ["Scan the code, or type it at", "Scannez le code, ou saisissez-le sur"],
  serial: ["Serial", "N° de série"],
  certificate: ["Certificate", "Certificat"],
  code: ["Code", "Code"],
} as const;

function bilingual(pair: readonly [string, string]): string {
  return `<span lang="en">${escapeHtml(pair[0])}</span> · <span lang="fr">${escapeHtml(pair[1])}</span>`;
}

/**
 * A printable A4 sheet, one card per piece: the claim QR code, product, serial and the code in its
 * printed groups, with where to type it when the QR code cannot be scanned (the verifier's home page).
 */
export async function renderClaimSheet(codes: readonly ClaimCode[], title: string): Promise<string> {
  if (codes.length === 0) throw new InvalidInputError("No claim codes to print");
  const cards = await Promise.all(
    codes.map(async (code) => {
      const svg = await QRCode.toString(code.claimUrl, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
      // Older codes are a 0x private key: spelled in groups of 16 as before.
      const spelled = code.code.startsWith("0x")
        ? code.code
            .slice(2)
            .match(/.{1,16}/g)!
            .join(" ")
        : code.code;
      const home = URL.canParse(code.claimUrl) ? new URL(code.claimUrl).origin : "";
      return `<section class="card">
  <div class="qr" role="img" aria-label="Claim QR code for ${escapeHtml(code.productName || code.tokenId.toString())}">${svg}</div>
  <h2>${escapeHtml(code.productName || "Certificate")}</h2>
  <p class="serial">${bilingual(SHEET_TEXT.serial)} ${escapeHtml(code.serial || "—")}</p>
  <p class="token">${bilingual(SHEET_TEXT.certificate)} ${escapeHtml(code.tokenId.toString())}</p>
  <p class="code-label">${bilingual(SHEET_TEXT.code)}</p>
  <p class="code${code.code.startsWith("0x") ? " legacy" : ""}">${escapeHtml(spelled)}</p>
  ${home === "" ? "" : `<p class="where">${bilingual(SHEET_TEXT.scanOrType)} <strong>${escapeHtml(home.replace(/^https?:\/\//, ""))}</strong></p>`}
</section>`;
    }),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
  @page { size: A4; margin: 12mm; }
  body { font-family: system-ui, sans-serif; margin: 0; color: #111; }
  header { margin-bottom: 6mm; }
  header p { font-size: 9pt; color: #555; margin: 1mm 0; }
  .sheet { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; }
  .card { border: 1px dashed #999; padding: 3mm; break-inside: avoid; page-break-inside: avoid; text-align: center; }
  .qr svg { width: 38mm; height: 38mm; }
  h2 { font-size: 10pt; margin: 2mm 0 1mm; }
  p { margin: 0.5mm 0; font-size: 8pt; }
  .code-label { margin-top: 2mm; font-weight: 600; }
  .code { font-family: ui-monospace, monospace; font-size: 10.5pt; font-weight: 700; letter-spacing: 0.04em; white-space: nowrap; }
  .code.legacy { font-size: 6.5pt; font-weight: 400; white-space: normal; word-break: break-all; }
  .where { font-size: 7pt; color: #333; }
  /* The token id in decimal, as the verification page and the API write it. */
  .token { font-family: ui-monospace, monospace; font-size: 6pt; word-break: break-all; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <p lang="en">${escapeHtml(SHEET_TEXT.intro[0])}</p>
  <p lang="fr">${escapeHtml(SHEET_TEXT.intro[1])}</p>
  <p>${bilingual(SHEET_TEXT.register)}</p>
</header>
<main class="sheet">
${cards.join("\n")}
</main>
</body>
</html>
`;
}

export async function writeClaimSheet(
  file: string,
  codes: readonly ClaimCode[],
  title: string,
): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, await renderClaimSheet(codes, title), { mode: 0o600 });
}
