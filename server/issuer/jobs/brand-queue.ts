/**
 * One chain writer per brand at a time. Every issuer API action that sends transactions with a
 * brand's key (mint jobs, claim codes, events, status changes) runs through this queue, so two
 * actions never race for the key's nonce; different brands run side by side.
 */
export class BrandQueue {
  private readonly tails = new Map<number, Promise<void>>();

  run<T>(brandId: number, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(brandId) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(brandId, tail);
    void tail.then(() => {
      if (this.tails.get(brandId) === tail) this.tails.delete(brandId);
    });
    return result;
  }

  /** Resolves once every queued task has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
