import { z } from "zod";
import { BlockNumber } from "./chain-values.js";

/**
 * How fresh an answer is: part of every response. `stale` appears when the index may be behind
 * the chain without knowing it: the indexer has not polled successfully for a while, or its
 * last poll failed, or the chain RPC is failing right now for a proof. What the index knows is still served, marked so.
 */
export const IndexFreshness = z
  .object({
    /** Highest block fully indexed; -1 before the first. */
    block: z.int().min(-1),
    caughtUp: z.boolean(),
    /** Chain head as last seen, null before the first poll. */
    head: BlockNumber.nullable(),
    stale: z.literal(true).optional(),
    /**
     * The indexer is rebuilding the index (a reorg it could not roll back): the answer comes from
     * the last complete index, as of `block`, which may be on the abandoned fork. Always stale.
     */
    rebuilding: z.literal(true).optional(),
  })
  .describe("How fresh the answer is: carried by every answer (problems too)");
export type IndexFreshness = z.output<typeof IndexFreshness>;
