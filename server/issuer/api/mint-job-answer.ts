import { problemFor } from "../../http/problem.js";
import type { z } from "zod";
import type { MintJobView } from "../jobs/mint-jobs.js";
import type { MintJob } from "./answers.js";

/** A mint job as the issuer API sends it: the job's failure, if any, as an RFC 9457 problem document (its schema: ./answers.ts). */
export type MintJobAnswer = z.output<typeof MintJob>;

export function mintJobAnswer(job: MintJobView): MintJobAnswer {
  return { ...job, error: job.error === null ? null : problemFor(job.error).problem };
}
