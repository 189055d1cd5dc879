import type { Response } from "express";
import type { CachedAnswer } from "../answer-cache.js";
import { ANSWER_CACHE_CONTROL, answerBytes } from "../answer-cache.js";
import type { ChallengeStore } from "../../verification/challenge-store.js";
import type { ChipChallengePayload } from "../../verification/chip.js";
import type { VerifierContext } from "../../verification/context.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import type { OwnershipChallenges } from "../../verification/ownership.js";
import type { TagTapDependencies } from "../../verification/tag-tap.js";
import type { EventStreams } from "./events.js";
import type { SerialRule } from "../../verification/serial-rule.js";
import type { PasskeyServices } from "../../passkeys/services.js";
import type { CredentialKeys } from "../../credentials/issuer-keys.js";
import type { BackupStatusSource } from "./health.js";

/** What the /v1 routes need; built by the composition root (server/main.ts) or a test. */
export interface V1Dependencies {
  verifier: VerifierContext;
  ownershipChallenges: OwnershipChallenges;
  chipChallenges: ChallengeStore<ChipChallengePayload>;
  brandSalts: ReadonlyMap<number, string>;
  /** How each brand's serials compare (from the same setting as its salt); absent: exact. */
  serialRules?: ReadonlyMap<number, SerialRule>;
  gs1Prefixes: ReadonlyMap<string, number>;
  freshness: () => IndexFreshness;
  events: EventStreams;
  /** NTAG 424 DNA taps (#18): the brands' tag keys and the shared counters; absent: /v1/taps answers 404. */
  tags?: TagTapDependencies;
  /** Passkey accounts (#17): registration, sponsored operations, passkey proofs; absent: those routes answer 422. */
  passkeys?: PasskeyServices;
  /** The brands' issuer keys that sign passport credentials (#19); absent: the credential routes answer 503. */
  credentialKeys?: CredentialKeys;
  /** HALLMARK_PUBLIC_URL: the base of the credentials' URLs (else each request's origin). */
  publicUrl?: string;
  /** The backup copy's records (#19), reported by /readyz; absent: no backup configured. */
  backup?: BackupStatusSource;
}

/** Every JSON answer carries the index's freshness. */
export function sendJson(response: Response, freshness: IndexFreshness, body: object, status = 200): void {
  if (!response.hasHeader("Cache-Control")) response.setHeader("Cache-Control", ANSWER_CACHE_CONTROL);
  response.status(status).json({ ...body, index: freshness });
}

/** Sends a cached (or just built) answer with this request's freshness; the same bytes `sendJson` would send. */
export function sendAnswer(
  response: Response,
  answer: CachedAnswer,
  freshness: IndexFreshness,
  status = 200,
): void {
  const bytes = answerBytes(answer, freshness);
  response.status(status);
  response.setHeader("Cache-Control", ANSWER_CACHE_CONTROL);
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  response.setHeader("Content-Length", bytes.length);
  response.end(bytes);
}
