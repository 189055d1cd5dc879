/**
 * IPFS throughput: add and verified get for 1 KiB documents and a 20 MiB model on the embedded
 * store (real Helia, on-disk), CID computation into memory, each beside plain node:crypto
 * sha256 over the same bytes. Run: `npm run bench:ipfs`; copy the table into docs/benchmarks/ipfs.md.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryBlockstore } from "blockstore-core/memory";
import type { CID } from "multiformats/cid";
import { EmbeddedMetadataStore } from "../server/ipfs/embedded-store.js";
import { importFile } from "../server/ipfs/import-dag.js";

const DOCUMENTS = 2_000;
const DOCUMENT_BYTES = 1_024;
const MODEL_BYTES = 20 * 1024 * 1024;
const MODEL_ROUNDS = 3;

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

async function time(run: () => Promise<void> | void): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

interface Row {
  operation: string;
  items: number;
  bytes: number;
  seconds: number;
}
const rows: Row[] = [];
function record(operation: string, items: number, bytes: number, seconds: number): void {
  rows.push({ operation, items, bytes, seconds });
}

const directory = await mkdtemp(join(tmpdir(), "hallmark-bench-"));
const store = await EmbeddedMetadataStore.open({ directory });
try {
  const documents = Array.from({ length: DOCUMENTS }, (_, i) => randomBytes(DOCUMENT_BYTES, i + 1));
  const model = randomBytes(MODEL_BYTES, 7);

  record(
    "sha256 (node:crypto), 1 KiB documents",
    DOCUMENTS,
    DOCUMENTS * DOCUMENT_BYTES,
    await time(() => {
      for (const document of documents) createHash("sha256").update(document).digest();
    }),
  );
  record(
    "CID computation (memory), 1 KiB documents",
    DOCUMENTS,
    DOCUMENTS * DOCUMENT_BYTES,
    await time(async () => {
      const blocks = new MemoryBlockstore();
      for (const document of documents) await importFile(document, blocks);
    }),
  );
  const cids: CID[] = [];
  record(
    "add (embedded, on disk), 1 KiB documents",
    DOCUMENTS,
    DOCUMENTS * DOCUMENT_BYTES,
    await time(async () => {
      for (const document of documents) cids.push(await store.addBytes(document));
    }),
  );
  record(
    "verified get (embedded), 1 KiB documents",
    DOCUMENTS,
    DOCUMENTS * DOCUMENT_BYTES,
    await time(async () => {
      for (const cid of cids) await store.get(cid);
    }),
  );

  record(
    "sha256 (node:crypto), 20 MiB model",
    MODEL_ROUNDS,
    MODEL_ROUNDS * MODEL_BYTES,
    await time(() => {
      for (let i = 0; i < MODEL_ROUNDS; i++) createHash("sha256").update(model).digest();
    }),
  );
  record(
    "CID computation (memory), 20 MiB model",
    MODEL_ROUNDS,
    MODEL_ROUNDS * MODEL_BYTES,
    await time(async () => {
      for (let i = 0; i < MODEL_ROUNDS; i++) await importFile(model, new MemoryBlockstore());
    }),
  );
  let modelCid: CID | undefined;
  record(
    "add (embedded, on disk), 20 MiB model",
    MODEL_ROUNDS,
    MODEL_ROUNDS * MODEL_BYTES,
    await time(async () => {
      for (let i = 0; i < MODEL_ROUNDS; i++) modelCid = await store.addFile(model);
    }),
  );
  record(
    "verified get (embedded), 20 MiB model",
    MODEL_ROUNDS,
    MODEL_ROUNDS * MODEL_BYTES,
    await time(async () => {
      for (let i = 0; i < MODEL_ROUNDS; i++) await store.get(modelCid!, { maxBytes: MODEL_BYTES });
    }),
  );
} finally {
  await store.close();
  await rm(directory, { recursive: true, force: true });
}

console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}\n`);
console.log("| operation | items | items/s | MiB/s |");
console.log("| --- | ---: | ---: | ---: |");
for (const row of rows) {
  const perSecond = row.items / row.seconds;
  const mibPerSecond = row.bytes / 1_048_576 / row.seconds;
  console.log(
    `| ${row.operation} | ${row.items} | ${perSecond.toFixed(perSecond < 100 ? 2 : 0)} | ${mibPerSecond.toFixed(1)} |`,
  );
}
