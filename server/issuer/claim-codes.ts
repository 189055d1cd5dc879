import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, hexlify, NonceManager, Wallet } from "ethers";
import type { Signer } from "ethers";
import QRCode from "qrcode";
import { InvalidInputError } from "../errors.js";
import type { HallmarkContracts } from "./contracts.js";
import { SignerError, TransactionRefusedError } from "./errors.js";
import { currentFeePerGas, refusal } from "./transactions.js";
import type { GasEstimate } from "./transactions.js";

/**
 * One-time claim codes. A code is the private key of a fresh EOA whose address the certificate
 * stores (`setClaimKey`); whoever holds the code signs Claim(tokenId, recipient, nonce, deadline)
 * and the certificate moves. The address is public, so the code has the full 256 bits of a key:
 * anything shorter could be brute-forced against it. Codes go to the output files only.
 */
export interface ClaimCodeTarget {
  tokenId: bigint;
  serial?: string;
  productName?: string;
}

export interface ClaimCode extends Required<ClaimCodeTarget> {
  /** 0x-prefixed 32-byte private key: the secret printed in the QR code. */
  code: string;
  claimKey: string;
  claimUrl: string;
  txHash: string;
}

export const DEFAULT_PUBLIC_URL = "http://127.0.0.1:8080";

export function generateClaimCode(): Wallet {
  return new Wallet(hexlify(randomBytes(32)));
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
      .setClaimKey.estimateGas(targets[0].tokenId, generateClaimCode().address);
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
      const key = generateClaimCode();
      let response;
      try {
        response = await sender.setClaimKey(target.tokenId, key.address);
      } catch (error) {
        throw refusal(error, `setClaimKey(${target.tokenId})`);
      }
      sent++;
      report({ stage: "sent", sent, total: targets.length });
      inFlight.push({ target, key, response });
    }
    const confirmed: ClaimCode[] = [];
    for (const { target, key, response } of inFlight) {
      const mined = await response.wait(options.confirmations ?? 1);
      if (mined === null || mined.status !== 1)
        throw new TransactionRefusedError(`setClaimKey ${response.hash} failed on-chain`, null, []);
      confirmed.push({
        tokenId: target.tokenId,
        serial: target.serial ?? "",
        productName: target.productName ?? "",
        code: key.privateKey,
        claimKey: key.address,
        claimUrl: claimUrlOf(publicUrl, target.tokenId, key.privateKey),
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

/** A printable A4 sheet, one card per piece: the claim QR code, product, serial and the code spelled out. */
export async function renderClaimSheet(codes: readonly ClaimCode[], title: string): Promise<string> {
  if (codes.length === 0) throw new InvalidInputError("No claim codes to print");
  const cards = await Promise.all(
    codes.map(async (code) => {
      const svg = await QRCode.toString(code.claimUrl, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
      const spelled = code.code
        .slice(2)
        .match(/.{1,16}/g)!
        .join(" ");
      return `<section class="card">
  <div class="qr" role="img" aria-label="Claim QR code for ${escapeHtml(code.productName || code.tokenId.toString())}">${svg}</div>
  <h2>${escapeHtml(code.productName || "Certificate")}</h2>
  <p class="serial">Serial ${escapeHtml(code.serial || "—")}</p>
  <p class="token">Certificate ${escapeHtml(code.tokenId.toString())}</p>
  <p class="code"><span>Code</span> ${escapeHtml(spelled)}</p>
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
  header p { font-size: 9pt; color: #555; }
  .sheet { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; }
  .card { border: 1px dashed #999; padding: 3mm; break-inside: avoid; page-break-inside: avoid; text-align: center; }
  .qr svg { width: 38mm; height: 38mm; }
  h2 { font-size: 10pt; margin: 2mm 0 1mm; }
  p { margin: 0.5mm 0; font-size: 8pt; }
  .code { font-family: ui-monospace, monospace; font-size: 6.5pt; word-break: break-all; }
  /* The token id in decimal, as the verification page and the API write it. */
  .token { font-family: ui-monospace, monospace; font-size: 6pt; word-break: break-all; }
  .code span { font-family: system-ui, sans-serif; font-weight: 600; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <p>Each code works once and transfers the certificate to whoever uses it. Keep this sheet locked away; hand each card only to the buyer of its piece.</p>
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
