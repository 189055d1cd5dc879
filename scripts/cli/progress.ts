import type { MintProgress } from "../../server/issuer/mint-certificates.js";

/**
 * Progress of a mint run on stderr: a redrawn status line with an ETA on a terminal, plain
 * timestamped lines otherwise (CI logs, files, the tests that read them).
 */
export interface ProgressSink {
  mint(event: MintProgress): void;
  line(message: string): void;
  done(): void;
}

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "--";
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

function bar(done: number, total: number, width = 20): string {
  // Nothing to do yet (or not known yet) reads as empty, not as finished.
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  interactive = Boolean(stream.isTTY),
): ProgressSink {
  const state = {
    rows: 0,
    totalRows: 0,
    files: 0,
    totalFiles: 0,
    sent: 0,
    confirmed: 0,
    toMint: 0,
    chainStarted: 0,
    ipfsStarted: 0,
  };
  let stage = "validating";
  let lastDraw = 0;
  let drawn = false;
  let lastIpfsDecile = -1;
  /** Rows validated, said only once the run moves on: a manifest with problems is never "validated". */
  let validatedUnsaid = false;

  function eta(): string {
    const now = Date.now();
    if (stage === "ipfs" && state.files > 0)
      return duration(((now - state.ipfsStarted) / state.files) * (state.totalFiles - state.files));
    if (stage === "chain" && state.confirmed > 0)
      return duration(((now - state.chainStarted) / state.confirmed) * (state.toMint - state.confirmed));
    return "--";
  }

  function draw(force = false): void {
    if (!interactive) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const text =
      `rows ${bar(state.rows, state.totalRows, 10)} ${state.rows}/${state.totalRows}  ` +
      `ipfs ${bar(state.files, state.totalFiles, 10)} ${state.files}/${state.totalFiles}  ` +
      `tx sent ${state.sent} confirmed ${bar(state.confirmed, state.toMint, 10)} ${state.confirmed}/${state.toMint}  ETA ${eta()}`;
    stream.write(`\r\x1b[2K${text}`);
    drawn = true;
  }

  function line(message: string): void {
    if (interactive) {
      if (drawn) stream.write("\r\x1b[2K");
      stream.write(`${message}\n`);
      draw(true);
    } else {
      stream.write(`${new Date().toISOString()} ${message}\n`);
    }
  }

  return {
    line,
    mint(event) {
      if (event.stage !== "validation" && validatedUnsaid) {
        validatedUnsaid = false;
        line(`validated ${state.totalRows} rows`);
      }
      switch (event.stage) {
        case "validation":
          state.rows = event.rowsValidated;
          state.totalRows = event.totalRows;
          validatedUnsaid = event.rowsValidated === event.totalRows;
          break;
        case "pending":
          line(
            `waiting for ${event.pending} pending transaction(s) of ${event.issuer} to be mined before resuming (${Math.round(event.waitedMs / 1000)} s of at most ${Math.round(event.timeoutMs / 1000)} s)`,
          );
          break;
        case "resume":
          state.toMint = event.toMint;
          line(
            `resume: ${event.fromReceipt} in the receipt, ${event.foundOnChain} found on-chain, ${event.toMint} to mint`,
          );
          if (event.digestMismatches.length > 0) {
            line(
              `warning: ${event.digestMismatches.length} certificate(s) on-chain commit to another document than this manifest builds (first: ${event.digestMismatches[0]}); they are left as they are`,
            );
          }
          break;
        case "ipfs": {
          if (stage !== "ipfs") {
            stage = "ipfs";
            state.ipfsStarted = Date.now();
          }
          state.files = event.filesImported;
          state.totalFiles = event.totalFiles;
          const decile = Math.floor((10 * event.filesImported) / Math.max(event.totalFiles, 1));
          if (!interactive && decile !== lastIpfsDecile) {
            lastIpfsDecile = decile;
            line(`ipfs ${event.filesImported}/${event.totalFiles} files`);
          }
          break;
        }
        case "ipfs-done":
          line(`ipfs directory ${event.directoryCid} (${event.files} files, pinned)`);
          break;
        case "batch-estimated":
          line(`batch ${event.batch}: ${event.size} certificates, ~${event.gas} gas`);
          break;
        case "batch-sent":
          if (stage !== "chain") {
            stage = "chain";
            state.chainStarted = Date.now();
          }
          state.sent = event.sent;
          state.toMint = event.toMint;
          line(`batch ${event.batch} sent: ${event.size} certificates, tx ${event.txHash}`);
          break;
        case "batch-confirmed":
          state.confirmed = event.confirmed;
          line(
            `batch ${event.batch} confirmed in block ${event.block}: ${event.size} certificates, ${event.gasUsed} gas (${event.confirmed}/${event.toMint}, ETA ${eta()})`,
          );
          break;
      }
      draw();
    },
    done() {
      if (interactive && drawn) stream.write("\n");
    },
  };
}
