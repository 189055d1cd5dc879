import { z } from "zod";

/**
 * An RFC 9457 problem document as every failure leaves (./problem.ts), with `errors` listing
 * offending fields when there are any. Loose: RFC 9457 §3.2 extension members (the index's
 * freshness, added by the composition) may follow; server/app.ts describes the ones it adds.
 */
export const Problem = z.looseObject({
  type: z.url().describe("https://hallmark.dev/problems/<slug>: the stable part clients switch on"),
  title: z.string(),
  status: z.int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .readonly()
    .optional(),
});
export type Problem = z.output<typeof Problem>;
