import type { Logger } from "pino";
import type { PasskeyCredentials } from "./credentials.js";
import { PasskeysUnavailableError } from "./errors.js";
import type { OperationLocks } from "./operation-locks.js";
import type { PasskeyChain } from "./passkey-chain.js";
import type { RegistrationChallenges } from "./registration.js";
import type { OperationRelayer } from "./relayer.js";
import type { RelyingParty } from "./relying-party.js";

/** What the passkey routes use, built by the composition root (server/main.ts). */
export interface PasskeyServices {
  party: RelyingParty;
  /** Null when the deployment has no passkey contracts (a deployment made before them): every route is a 422. */
  chain: PasskeyChain | null;
  credentials: PasskeyCredentials;
  registrationChallenges: RegistrationChallenges;
  locks: OperationLocks;
  /** Null without HALLMARK_RELAYER_KEYSTORE: operations are prepared but not relayed. */
  relayer: OperationRelayer | null;
  logger?: Logger;
}

export function requireChain(services: PasskeyServices): PasskeyChain {
  if (services.chain === null)
    throw new PasskeysUnavailableError(
      "This deployment has no passkey contracts (EntryPoint, HallmarkPasskeyAccountFactory, HallmarkPaymaster)",
    );
  return services.chain;
}
