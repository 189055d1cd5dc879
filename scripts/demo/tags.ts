import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { IssuerKeystoreSetting } from "../../server/config.js";
import { SimulatedTag } from "../../server/tags/simulated-tag.js";
import { sunUrl } from "../../server/tags/sun-url.js";
import { importTagKeystore, TagMasterKey, TagOracleKey } from "../../server/tags/tag-keystore.js";
import { parseTagUid } from "../../server/tags/uid.js";

/**
 * The demo's simulated NTAG 424 DNA tags. Like Hardhat's dev accounts, the demo tag master key is
 * public (it is written here): it is for the local chain's demo collection only, so that `npm
 * start`'s banner and `hallmark tags tap <serial>` can both tap a demo tag. Each demo tag's last
 * counter lives in `<data dir>/demo-tags.json`, so that the two take turns without reusing one.
 */
export const DEMO_TAG_MASTER_KEY = Buffer.from("hallmark-demo-16", "ascii");
export const DEMO_TAG_BRAND = 1;
export const DEMO_TAGS_FILE = "demo-tags.json";
/**
 * Which of the demo brand's pieces carry a tag: the resold, stolen and revoked bags, and MA-2024-0006,
 * which waits in the brand vault: a fresh tap of its tag offers to claim it (TagAttestedClaims).
 */
export const DEMO_TAGGED_PIECES: readonly number[] = [0, 1, 2, 5];
/** The demo brand's tag oracle key, public like the master key: the seed grants its address TAG_ORACLE. */
export const DEMO_TAG_ORACLE_KEY = Buffer.from(
  "6861c1c9a0e3f1b1d1f2a6b0e4d5c3a2b1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6",
  "hex",
);

export function demoTagOracle(): TagOracleKey {
  return new TagOracleKey(DEMO_TAG_ORACLE_KEY);
}

/** The demo pieces' tag UIDs (NXP's manufacturer byte 04, then the piece's index). */
export function demoTagUid(index: number): string {
  return `04D3E0${index.toString(16).toUpperCase().padStart(8, "0")}`;
}

export interface DemoTag {
  serial: string;
  brandId: number;
  tokenId: string;
  uid: string;
  lastCounter: number;
}

export interface DemoTagsFile {
  verifierUrl: string;
  tags: DemoTag[];
}

export async function writeDemoTags(dataDir: string, file: DemoTagsFile): Promise<void> {
  await writeFile(path.join(dataDir, DEMO_TAGS_FILE), JSON.stringify(file, null, 2) + "\n");
}

export async function readDemoTags(dataDir: string): Promise<DemoTagsFile> {
  const file = path.join(dataDir, DEMO_TAGS_FILE);
  try {
    return JSON.parse(await readFile(file, "utf8")) as DemoTagsFile;
  } catch {
    throw new Error(`No demo tags in ${file}: start the demo stack first (npm start)`);
  }
}

/** Taps a demo tag once: its counter goes up (persisted) and the link of that tap comes back. */
export async function tapDemoTag(dataDir: string, serial: string): Promise<{ url: string; counter: number }> {
  const demo = await readDemoTags(dataDir);
  const tag = demo.tags.find((candidate) => candidate.serial === serial);
  if (tag === undefined)
    throw new Error(
      `No demo tag on ${serial}; demo tags: ${demo.tags.map((candidate) => candidate.serial).join(", ")}`,
    );
  const simulated = new SimulatedTag(DEMO_TAG_MASTER_KEY, parseTagUid(tag.uid), tag.lastCounter);
  const message = simulated.tap();
  tag.lastCounter = simulated.counter;
  await writeDemoTags(dataDir, demo);
  return { url: sunUrl(demo.verifierUrl, tag.tokenId, message), counter: simulated.counter };
}

/** The demo brand's tag keystore (the public demo key, under a password made for this run). */
export async function demoTagKeystores(dataDir: string): Promise<Map<number, IssuerKeystoreSetting>> {
  const directory = path.join(dataDir, "demo-tag-keys");
  await rm(directory, { recursive: true, force: true });
  const password = randomBytes(18).toString("base64url");
  const keystore = path.join(directory, `brand-${DEMO_TAG_BRAND}-tags.json`);
  await importTagKeystore(
    keystore,
    DEMO_TAG_BRAND,
    [new TagMasterKey(1, DEMO_TAG_MASTER_KEY, "2026-01-01T00:00:00.000Z")],
    password,
    { scryptN: 1 << 12, oracle: demoTagOracle() },
  );
  return new Map([
    [DEMO_TAG_BRAND, { keystore, passwordEnv: "(demo: generated for this run)", password: () => password }],
  ]);
}
