import type { Response } from "express";
import type { ChallengeStore } from "../../verification/challenge-store.js";
import type { ChipChallengePayload } from "../../verification/chip.js";
import type { VerifierContext } from "../../verification/context.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import type { OwnershipChallengePayload } from "../../verification/ownership.js";
import type { EventStreams } from "./events.js";

/** What the /v1 routes need; built by the composition root (server/main.ts) or a test. */
export interface V1Dependencies {
  verifier: VerifierContext;
  ownershipChallenges: ChallengeStore<OwnershipChallengePayload>;
  chipChallenges: ChallengeStore<ChipChallengePayload>;
  brandSalts: ReadonlyMap<number, string>;
  gs1Prefixes: ReadonlyMap<string, number>;
  freshness: () => IndexFreshness;
  events: EventStreams;
}

/** Every JSON answer carries the index's freshness. */
export function sendJson(response: Response, freshness: IndexFreshness, body: object, status = 200): void {
  response.status(status).json({ ...body, index: freshness });
}
