import { expect } from "chai";
import { buildStack } from "./stack.js";
import type { Stack } from "./stack.js";

interface StreamEvent {
  id: string | null;
  event: string;
  data: Record<string, unknown>;
}

/**
 * `GET /v1/events` across a rebuild of the index: a client that resumes must never be left
 * believing what a rolled-back or rebuilt index no longer holds.
 */
describe("GET /v1/events across a rebuild", function () {
  let stack: Stack;
  let token: bigint;

  before(async function () {
    stack = await buildStack();
    token = await stack.issue("EV-0001", stack.alice.address);
    await stack.sync();
  });

  after(async function () {
    await stack?.close();
  });

  /** Reads the stream until `until` holds for the events read so far (or 5 s pass), then closes it. */
  async function read(
    query: string,
    headers: Record<string, string>,
    until: (events: StreamEvent[]) => boolean,
  ): Promise<StreamEvent[]> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 5_000);
    const events: StreamEvent[] = [];
    try {
      const response = await fetch(`${stack.url}/v1/events${query}`, { headers, signal: controller.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      while (!until(events)) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value);
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string): string | null =>
            block
              .split("\n")
              .find((line) => line.startsWith(`${name}: `))
              ?.slice(name.length + 2) ?? null;
          const event = field("event");
          const data = field("data");
          if (event !== null && data !== null)
            events.push({ id: field("id"), event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch (error) {
      if (!(error instanceof Error && error.name === "AbortError")) throw error;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return events;
  }

  const rebuilt = (events: StreamEvent[]): boolean =>
    events.some((e) => e.event === "index.reorg" && e.data.rebuild === true);

  it("gives a client resuming from before a rebuild the rebuild, then the rebuilt feed with ids that keep increasing", async function () {
    const lastSeen = stack.verifier.store.lastEventId();
    stack.verifier.store.reset();
    await stack.sync();
    const events = await read("", { "last-event-id": String(lastSeen) }, (seen) =>
      seen.some((e) => e.event === "certificate.issued"),
    );
    const reorg = events.find((e) => e.event === "index.reorg");
    expect(reorg?.data.rebuild).to.equal(true);
    expect(Number(reorg?.id)).to.be.greaterThan(lastSeen);
    const issued = events.find((e) => e.event === "certificate.issued");
    expect(issued?.data.tokenId).to.equal(token.toString());
    expect(Number(issued?.id)).to.be.greaterThan(Number(reorg?.id));
  });

  it("tells a client filtering on other types of the rebuild too: what it heard may be gone", async function () {
    const lastSeen = stack.verifier.store.lastEventId();
    stack.verifier.store.reset();
    await stack.sync();
    const events = await read("?type=certificate.status", { "last-event-id": String(lastSeen) }, rebuilt);
    expect(rebuilt(events)).to.equal(true);
  });

  it("tells a client whose Last-Event-ID this feed never gave (another or a recreated index) to start over", async function () {
    const newest = stack.verifier.store.lastEventId();
    const events = await read("", { "last-event-id": String(newest + 1_000) }, rebuilt);
    const reset = events.find((e) => e.event === "index.reorg");
    expect(reset?.data.rebuild).to.equal(true);
    // Its id is a position in this feed, so the client's next reconnection resumes from it.
    expect(reset?.id).to.equal(String(newest));
  });

  it("resumes a client whose Last-Event-ID is the newest without any reset", async function () {
    const newest = stack.verifier.store.lastEventId();
    const events = await read("", { "last-event-id": String(newest) }, (seen) =>
      seen.some((e) => e.event === "index"),
    );
    expect(events.map((e) => e.event)).to.deep.equal(["index"]);
  });
});
