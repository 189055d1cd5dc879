import type { Signer, TransactionReceipt } from "ethers";
import { DependencyUnavailableError } from "../errors.js";

/**
 * The verifier's relayer key: it sends handleOps and is the bundle's beneficiary, so the EntryPoint pays
 * it back from the paymaster's deposit. Sends are serialised: the key's transaction nonces are one
 * sequence, and two relays at once would otherwise take the same one. A fleet gives each verifier that
 * relays a key of its own (docs/passkeys.md).
 */
export class OperationRelayer {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly signer: Signer,
    /** How long a relay waits for the receipt before answering without its block. */
    readonly receiptTimeoutMs = 30_000,
  ) {}

  address(): Promise<string> {
    return this.signer.getAddress();
  }

  /** Sends `data` to `to` with `gasLimit`; resolves to the hash once broadcast. */
  send(
    to: string,
    data: string,
    gasLimit: bigint,
  ): Promise<{ hash: string; wait: () => Promise<TransactionReceipt | null> }> {
    const sent = this.queue.then(async () => {
      try {
        const response = await this.signer.sendTransaction({ to, data, gasLimit });
        return {
          hash: response.hash,
          wait: () => waitFor(response.wait(1), this.receiptTimeoutMs),
        };
      } catch (error) {
        throw new DependencyUnavailableError("Chain RPC unavailable: handleOps could not be sent", 5, {
          cause: error,
        });
      }
    });
    this.queue = sent.catch(() => undefined);
    return sent;
  }
}

async function waitFor<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
