import type { ChainLog } from "../../chain/reader.js";
import type { DecodedEvent } from "../decoder.js";
import type { IndexWriteTx } from "../../store/IndexStore.js";
import type { ChainRef } from "../../store/model.js";

/** What the handlers of one transaction share, to fold related events into one provenance entry. */
export interface TxState {
  /** ERC-721 mint Transfer seen, awaiting its CertificateIssued: tokenId -> recipient. */
  mints: Map<string, string>;
  /** Provenance entry id of a certificate's 'issued' entry in this transaction. */
  issued: Map<string, number>;
  /** Provenance entry id of a plain transfer in this transaction (a claim event renames it). */
  transfers: Map<string, number>;
  /** Provenance entry id of an authenticated resale awaiting its Transfer. */
  resales: Map<string, number>;
}

export function newTxState(): TxState {
  return { mints: new Map(), issued: new Map(), transfers: new Map(), resales: new Map() };
}

export interface HandlerContext {
  tx: IndexWriteTx;
  log: ChainLog;
  event: DecodedEvent;
  ref: ChainRef;
  txState: TxState;
}

export type EventHandler = (ctx: HandlerContext) => void;
export type HandlerTable = Readonly<Record<string, EventHandler>>;

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
export const isZero = (address: string): boolean => address.toLowerCase() === ZERO_ADDRESS;
/** Zero address -> null. */
export const orNull = (address: string): string | null => (isZero(address) ? null : address);
/** Brand id: the top 32 bits of a certificate token id. */
export const brandOfToken = (tokenId: bigint): number => Number(tokenId >> 224n);
