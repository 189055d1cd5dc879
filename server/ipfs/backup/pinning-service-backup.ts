import type { CID } from "multiformats/cid";
import type { BackupTarget, ReplicationOutcome } from "./backup-target.js";

/**
 * A pinning service as the backup copy, over the IPFS Pinning Service API (v1.0.0): `POST /pins`
 * asks it to pin a CID, naming `origins` (multiaddrs, such as the verifier's trustless gateway as
 * `/dns/host/tcp/443/https`) it may fetch the blocks from; the service answers a request id whose
 * status goes queued → pinning → pinned (or failed), polled with `GET /pins/{requestid}`. Only
 * `pinned` counts as replicated.
 */
interface PinStatus {
  requestid: string;
  status: "queued" | "pinning" | "pinned" | "failed";
  pin: { cid: string };
  info?: Record<string, string>;
}

export interface PinningServiceOptions {
  /** The API's base URL, e.g. https://api.pinning.example/psa (without /pins). */
  url: string;
  /** Its access token, sent as a bearer token (never logged). */
  token: string;
  /** Where the service may fetch the blocks from (multiaddrs). */
  origins?: readonly string[];
  /** Named in each pin's meta, so the service's dashboard tells Hallmark's pins apart. */
  app?: string;
}

export class PinningServiceBackupTarget implements BackupTarget {
  readonly description: string;
  private readonly base: string;

  constructor(private readonly options: PinningServiceOptions) {
    this.base = options.url.replace(/\/+$/, "");
    this.description = `pinning service ${new URL(this.base).origin}`;
  }

  async replicate(cid: CID, _source: unknown, options: { signal: AbortSignal }): Promise<ReplicationOutcome> {
    // A pin asked for before (by this verifier or another of the fleet) is followed, not repeated.
    const existing = await this.call<{ count: number; results: PinStatus[] }>(
      "GET",
      `/pins?cid=${encodeURIComponent(cid.toString())}&status=queued,pinning,pinned`,
      options.signal,
    );
    const known = existing.results.find((status) => status.status === "pinned") ?? existing.results[0];
    if (known !== undefined) return outcomeOf(known);
    const created = await this.call<PinStatus>("POST", "/pins", options.signal, {
      cid: cid.toString(),
      name: `hallmark ${cid.toString()}`,
      ...(this.options.origins === undefined || this.options.origins.length === 0
        ? {}
        : { origins: this.options.origins }),
      meta: { app: this.options.app ?? "hallmark" },
    });
    return outcomeOf(created);
  }

  async check(_cid: CID, requestId: string, options: { signal: AbortSignal }): Promise<ReplicationOutcome> {
    return outcomeOf(
      await this.call<PinStatus>("GET", `/pins/${encodeURIComponent(requestId)}`, options.signal),
    );
  }

  private async call<T>(
    method: "GET" | "POST",
    path: string,
    signal: AbortSignal,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      signal,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      // The API's error body: { error: { reason, details } }. The token is never part of the message.
      let reason = `HTTP ${response.status}`;
      try {
        const parsed = JSON.parse(text) as { error?: { reason?: string; details?: string } };
        if (parsed.error?.reason !== undefined)
          reason += ` ${parsed.error.reason}${parsed.error.details === undefined ? "" : `: ${parsed.error.details}`}`;
      } catch {
        // Not JSON: the status says enough.
      }
      throw new Error(`The pinning service refused ${method} ${path.split("?")[0]} (${reason})`);
    }
    return JSON.parse(text) as T;
  }
}

function outcomeOf(status: PinStatus): ReplicationOutcome {
  if (status.status === "pinned") return { state: "replicated" };
  if (status.status === "failed")
    throw new Error(
      `The pinning service failed to pin ${status.pin.cid}${status.info?.status_details === undefined ? "" : ` (${status.info.status_details})`}`,
    );
  return { state: "pending", requestId: status.requestid, status: status.status };
}
