/**
 * The tap route's requests (bench:api, issue #18): SUN links made in advance, each a new counter of
 * its tag, handed to the load generator so that every request is a first-time tap. A tag's counter
 * must reach the verifier in order, as a real tag's taps do (one phone, one tap at a time): a link is
 * handed out only when its tag has no tap in flight, so no two taps of one tag race and the later
 * counter never overtakes the earlier one (which would answer it, rightly, as a copied link).
 * A feed used up hands out its tags' last links again: they are copied links, and the answers say so.
 */
import type { SimulatedTag } from "../../server/tags/simulated-tag.js";
import { sunUrl, TAP_PATH } from "../../server/tags/sun-url.js";

/** The API route's path for one tap: the tag's link names the page (/t/{id}?…), the API takes the same query. */
export function tapPath(tokenId: string, tag: SimulatedTag): string {
  return `/v1/taps${sunUrl("", tokenId, tag.tap()).slice(TAP_PATH.length)}`;
}

export class TapFeed {
  private readonly queues: string[][];
  private readonly busy: boolean[];
  /** Each tag's next link in its queue. */
  private readonly taken: number[];
  private cursor = 0;
  private sentCount = 0;
  private reusedCount = 0;

  /** `size` links, spread evenly over the tags (each tag's in counter order). */
  constructor(
    tags: readonly { tokenId: string; tag: SimulatedTag }[],
    readonly size: number,
  ) {
    this.queues = tags.map(() => []);
    for (let i = 0; i < size; i++) {
      const { tokenId, tag } = tags[i % tags.length];
      this.queues[i % tags.length].push(tapPath(tokenId, tag));
    }
    this.busy = tags.map(() => false);
    this.taken = tags.map(() => 0);
  }

  get sent(): number {
    return this.sentCount;
  }

  /** Links handed out again once the feed was used up (each answered as copied). */
  get reused(): number {
    return this.reusedCount;
  }

  /** A new run (the warm-up's unanswered taps are not waited for: only they can come out copied). */
  reset(): void {
    this.busy.fill(false);
  }

  /** The next tag with no tap in flight, round robin; `context` remembers it until its answer. */
  next(context: { tag?: number }): string {
    const tags = this.queues.length;
    for (let step = 0; step < tags; step++) {
      const index = (this.cursor + step) % tags;
      if (this.busy[index] || this.queues[index].length === 0) continue;
      this.cursor = (index + 1) % tags;
      this.busy[index] = true;
      context.tag = index;
      this.sentCount += 1;
      const queue = this.queues[index];
      if (this.taken[index] >= queue.length) {
        this.reusedCount += 1;
        return queue[queue.length - 1];
      }
      return queue[this.taken[index]++];
    }
    throw new Error("every tag has a tap in flight: the bench needs more tags than connections");
  }

  answered(context: { tag?: number }): void {
    if (context.tag !== undefined) this.busy[context.tag] = false;
  }
}
