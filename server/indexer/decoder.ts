/**
 * Event decoding for the indexer: a table from topic0 to a decoder. Events whose parameters are
 * all static (addresses, uints, bool, bytes32: nearly every log) are decoded directly from the
 * 32-byte words, which is several times faster than ethers' generic ABI decoder; the others
 * (strings, arrays) go through ethers' Interface. Arguments come positionally, as ethers gives them
 * (uints as bigint, bytes32 as lowercase hex, bool, addresses checksummed).
 */
import type { EventFragment, Interface } from "ethers";
import { checksumAddress } from "../store/address.js";

export interface DecodedEvent {
  name: string;
  args: readonly unknown[];
}

type WordDecoder = (word: string) => unknown;

const STATIC: Readonly<Record<string, WordDecoder>> = {
  address: (word) => checksumAddress("0x" + word.slice(24)),
  bool: (word) => BigInt("0x" + word) !== 0n,
  bytes32: (word) => "0x" + word,
};

function wordDecoder(type: string): WordDecoder | null {
  if (type in STATIC) return STATIC[type];
  if (/^uint\d*$/.test(type)) return (word) => BigInt("0x" + word);
  return null;
}

export class EventDecoder {
  private readonly byTopic = new Map<
    string,
    (topics: readonly string[], data: string) => DecodedEvent | null
  >();

  constructor(iface: Interface) {
    iface.forEachEvent((fragment: EventFragment) => {
      if (fragment.anonymous) return;
      const topic = fragment.topicHash.toLowerCase();
      const decoders = fragment.inputs.map((input) => wordDecoder(input.type));
      const fast = decoders.every((d) => d !== null);
      if (!fast) {
        this.byTopic.set(topic, (topics, data) => {
          try {
            return { name: fragment.name, args: iface.decodeEventLog(fragment, data, topics) };
          } catch {
            return null;
          }
        });
        return;
      }
      const indexed = fragment.inputs.map((input) => input.indexed === true);
      const indexedCount = indexed.filter(Boolean).length;
      const dataWords = fragment.inputs.length - indexedCount;
      this.byTopic.set(topic, (topics, data) => {
        if (topics.length !== indexedCount + 1 || data.length !== 2 + dataWords * 64) return null;
        const args = new Array<unknown>(fragment.inputs.length);
        let t = 1;
        let w = 0;
        for (let i = 0; i < args.length; i++) {
          const word = indexed[i] ? topics[t++].slice(2) : data.slice(2 + 64 * w, 2 + 64 * ++w);
          args[i] = decoders[i](word.toLowerCase());
        }
        return { name: fragment.name, args };
      });
    });
  }

  /** The event of a log, or null when the log is not one of this ABI's events (or malformed). */
  decode(topics: readonly string[], data: string): DecodedEvent | null {
    if (topics.length === 0) return null;
    const decoder = this.byTopic.get(topics[0].toLowerCase());
    return decoder === undefined ? null : decoder(topics, data);
  }
}
