import { Router } from "express";
import type { Request, Response } from "express";
import { RateLimitedError } from "../../errors.js";
import type { IndexReader } from "../../store/IndexStore.js";
import type { IndexEvent } from "../../store/model.js";
import type { IndexFreshness } from "../../verification/freshness.js";
import { EventsQuery, parseInput } from "./schemas.js";

/**
 * `GET /v1/events`: the index's change feed as server-sent events (status changes, transfers,
 * issuances, metadata updates, successions, compromises, reorgs). Each event's `id` is the feed
 * id, so a client resumes with `Last-Event-ID` (or `?after=`); `?type=a,b` filters, but never out
 * `index.reorg`: a client told only of status changes must still hear that one it heard was rolled
 * back or rebuilt away. A resume position this feed never gave (an id above its newest: another or a
 * recreated index, whose ids are not ours) gets an `index.reorg` with `rebuild: true` and the feed's
 * newest id, as a rebuild would: what the client holds must be read again. A first `index` event
 * carries the index's freshness; comments keep idle connections alive.
 */
export interface EventStreamOptions {
  heartbeatMs?: number;
  /** Fallback poll of the feed, for stores whose writers live in another process. */
  pollMs?: number;
  maxClients?: number;
}

interface Client {
  response: Response;
  lastId: number;
  types: ReadonlySet<string> | null;
  /** A read of the feed is in flight for this client (reads are async: one at a time keeps the order). */
  flushing: boolean;
  /** More was announced while flushing: read again once done. */
  again: boolean;
}

const BATCH = 200;
/** A client this far behind (bytes buffered) is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export class EventStreams {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly poll: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly maxClients: number;
  private closed = false;

  constructor(
    private readonly index: IndexReader,
    options: EventStreamOptions = {},
  ) {
    this.maxClients = options.maxClients ?? 1_000;
    this.unsubscribe = index.subscribe(() => this.flushAll());
    this.poll = setInterval(() => this.flushAll(), options.pollMs ?? 1_000);
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) this.write(client, `: heartbeat ${new Date().toISOString()}\n\n`);
    }, options.heartbeatMs ?? 15_000);
    this.poll.unref();
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  async open(request: Request, response: Response, freshness: IndexFreshness): Promise<void> {
    if (this.closed) {
      response.status(503).setHeader("Retry-After", "5").end();
      return;
    }
    if (this.clients.size >= this.maxClients) throw new RateLimitedError("Too many event-stream clients", 30);
    const query = parseInput(EventsQuery, request.query, "query");
    const header = request.get("last-event-id");
    const resumeFrom = header !== undefined && /^[0-9]{1,15}$/.test(header) ? Number(header) : query.after;
    const newest = await this.index.lastEventId();
    // Ids are never reused within one index (a reset keeps counting), so a larger one is from another.
    const foreignPosition = resumeFrom !== undefined && resumeFrom > newest;
    const client: Client = {
      response,
      lastId: resumeFrom === undefined || foreignPosition ? newest : resumeFrom,
      types: query.type === undefined ? null : new Set([...query.type.split(","), "index.reorg"]),
      flushing: false,
      again: false,
    };
    response.status(200);
    response.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Accel-Buffering", "no");
    response.flushHeaders();
    response.write(`retry: 3000\nevent: index\ndata: ${JSON.stringify(freshness)}\n\n`);
    if (foreignPosition) {
      const data = {
        id: newest,
        type: "index.reorg",
        block: freshness.block,
        txHash: null,
        timestamp: null,
        rolledBackTo: null,
        previousBlock: null,
        rebuild: true,
        unknownLastEventId: resumeFrom,
      };
      response.write(`id: ${newest}\nevent: index.reorg\ndata: ${JSON.stringify(data)}\n\n`);
    }
    this.clients.add(client);
    const drop = (): void => {
      this.clients.delete(client);
    };
    request.on("close", drop);
    response.on("close", drop);
    this.flush(client);
  }

  /** Ends every stream (shutdown): clients see a clean end and reconnect elsewhere. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const client of this.clients) {
      this.write(client, "event: shutdown\ndata: {}\n\n");
      client.response.end();
    }
    this.clients.clear();
  }

  private flushAll(): void {
    if (this.clients.size === 0) return;
    this.index.lastEventId().then(
      (newest) => {
        for (const client of this.clients) if (client.lastId < newest) this.flush(client);
      },
      // The index is unreachable for now: the next notification or poll tries again.
      () => undefined,
    );
  }

  private flush(client: Client): void {
    if (client.flushing) {
      client.again = true;
      return;
    }
    client.flushing = true;
    client.again = false;
    this.drain(client)
      // A failed read leaves lastId where it was: the next notification or poll resumes from there.
      .catch(() => undefined)
      .finally(() => {
        client.flushing = false;
        if (client.again && this.clients.has(client)) this.flush(client);
      });
  }

  private async drain(client: Client): Promise<void> {
    for (;;) {
      const events = await this.index.recentEvents(client.lastId, BATCH);
      if (!this.clients.has(client)) return;
      for (const event of events) {
        client.lastId = event.id;
        if (client.types === null || client.types.has(event.type)) this.write(client, format(event));
      }
      if (events.length < BATCH || !this.clients.has(client)) return;
    }
  }

  private write(client: Client, text: string): void {
    if (client.response.writableEnded || client.response.destroyed) {
      this.clients.delete(client);
      return;
    }
    if (client.response.writableLength > MAX_BUFFERED_BYTES) {
      this.clients.delete(client);
      client.response.destroy();
      return;
    }
    client.response.write(text);
  }
}

function format(event: IndexEvent): string {
  const data = {
    id: event.id,
    type: event.type,
    block: event.blockNumber,
    txHash: event.txHash,
    timestamp: event.timestamp,
    ...event.data,
  };
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function eventsRouter(streams: EventStreams, freshness: () => IndexFreshness): Router {
  const router = Router();
  router.get("/v1/events", async (request, response) => {
    await streams.open(request, response, freshness());
  });
  return router;
}
