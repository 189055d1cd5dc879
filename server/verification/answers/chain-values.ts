import { z } from "zod";

/**
 * Chain values as the answers write them (server/store/model.ts conventions): EIP-55 addresses,
 * 256-bit numbers as decimal strings, 0x-hex hashes, block numbers as integers, ISO 8601 times.
 * The answers' schemas (this folder) are built from these; the OpenAPI document is generated from them.
 */
export const AddressString = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
export const DecimalString = z.string().regex(/^[0-9]+$/);
export const Bytes32Hex = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
export const BlockNumber = z.int().nonnegative();
export const IsoTime = z.iso.datetime();

/** Where an answer's fact happened on chain. */
export const ChainEventRef = z.object({
  block: BlockNumber,
  /** ISO 8601 block time. */
  time: IsoTime,
  txHash: Bytes32Hex,
});
export type ChainEventRef = z.output<typeof ChainEventRef>;

/** A brand as a certificate or design names it (the name is null until the brand is indexed). */
export const BrandRef = z.object({ id: z.int().nonnegative(), name: z.string().nullable() });
