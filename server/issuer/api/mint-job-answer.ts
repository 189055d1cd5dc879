import { problemFor } from "../../http/problem.js";
import type { Problem } from "../../http/problem.js";
import type { MintJobView } from "../jobs/mint-jobs.js";

/** A mint job as the issuer API sends it: the job's failure, if any, as an RFC 9457 problem document. */
export type MintJobAnswer = Omit<MintJobView, "error"> & { error: Problem | null };

export function mintJobAnswer(job: MintJobView): MintJobAnswer {
  return { ...job, error: job.error === null ? null : problemFor(job.error).problem };
}
