import * as dagPb from "@ipld/dag-pb";
import type { CID } from "multiformats/cid";
import type { MetadataReader } from "../metadata-store.js";

const RAW = 0x55;

/**
 * Every block of the DAG under `root`, root first, each once, read (and verified against its CID)
 * from the primary store. Hallmark's content is UnixFS: raw leaves and dag-pb nodes.
 */
export async function* dagBlocks(
  root: CID,
  source: Pick<MetadataReader, "getBlock">,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<{ cid: CID; bytes: Uint8Array }> {
  const seen = new Set<string>();
  const pending: CID[] = [root];
  while (pending.length > 0) {
    const cid = pending.shift()!;
    const key = cid.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    const bytes = await source.getBlock(cid, { signal: options.signal });
    yield { cid, bytes };
    if (cid.code === dagPb.code) pending.push(...dagPb.decode(bytes).Links.map((link) => link.Hash));
    else if (cid.code !== RAW) throw new RangeError(`Unexpected codec 0x${cid.code.toString(16)} in ${key}`);
  }
}
