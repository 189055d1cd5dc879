/**
 * HallmarkGarments events (ERC-1155): designs, edition counts, balances and digital-twin claims.
 * Minted and burned counts come from transfers from/to the zero address, whatever the path
 * (direct mint, voucher, twin claim, burn-to-redeem).
 */
import type { HandlerContext, HandlerTable } from "./types.js";
import { isZero, orNull } from "./types.js";

function moveEditions(ctx: HandlerContext, from: string, to: string, designId: bigint, value: bigint): void {
  const { tx, ref } = ctx;
  const key = designId.toString();
  const design = tx.getDesign(key);
  if (design === null || value === 0n) return;
  if (isZero(from)) tx.updateDesign(key, { minted: design.minted + Number(value) });
  else tx.addGarmentBalance(key, design.brandId, from, -value, ref.blockNumber);
  if (isZero(to))
    tx.updateDesign(key, { burned: (tx.getDesign(key)?.burned ?? design.burned) + Number(value) });
  else tx.addGarmentBalance(key, design.brandId, to, value, ref.blockNumber);
  tx.appendEvent({
    type: "garment.transfer",
    blockNumber: ref.blockNumber,
    txHash: ref.txHash,
    timestamp: ref.timestamp,
    data: { designId: key, from, to, amount: value.toString() },
  });
}

export const garmentHandlers: HandlerTable = {
  DesignCreated({ tx, event, ref }) {
    const [
      designId,
      brandId,
      issuer,
      maxSupply,
      closesAt,
      metadataDigest,
      locked,
      redeemable,
      twinCollectionRoot,
    ] = event.args as unknown as [bigint, bigint, string, bigint, bigint, string, boolean, boolean, string];
    tx.insertDesign({
      designId: designId.toString(),
      brandId: Number(brandId),
      creator: issuer,
      maxSupply: Number(maxSupply),
      minted: 0,
      burned: 0,
      closesAt: Number(closesAt),
      locked,
      redeemable,
      royaltyReceiver: null,
      royaltyBps: 0,
      metadataDigest: metadataDigest.toLowerCase(),
      twinCollectionRoot: /^0x0{64}$/.test(twinCollectionRoot) ? null : twinCollectionRoot.toLowerCase(),
      created: ref,
    });
  },
  DesignRoyaltySet({ tx, event }) {
    const [designId, receiver, royaltyBps] = event.args as unknown as [bigint, string, bigint];
    if (tx.getDesign(designId.toString()) === null) return;
    tx.updateDesign(designId.toString(), {
      royaltyReceiver: orNull(receiver),
      royaltyBps: Number(royaltyBps),
    });
  },
  TransferSingle(ctx) {
    const [, from, to, id, value] = ctx.event.args as unknown as [string, string, string, bigint, bigint];
    moveEditions(ctx, from, to, id, value);
  },
  TransferBatch(ctx) {
    const [, from, to, ids, values] = ctx.event.args as unknown as [
      string,
      string,
      string,
      bigint[],
      bigint[],
    ];
    ids.forEach((id, i) => moveEditions(ctx, from, to, id, values[i]));
  },
  TwinClaimed({ tx, event, ref }) {
    const [designId, certificateId, owner] = event.args as unknown as [bigint, bigint, string];
    tx.insertTwinClaim({
      ...ref,
      designId: designId.toString(),
      certificateId: certificateId.toString(),
      owner,
    });
  },
  URIBaseChanged({ tx, event }) {
    const [brandId, base] = event.args as unknown as [bigint, string];
    if (tx.getBrand(Number(brandId)) !== null) tx.updateBrand(Number(brandId), { garmentURIBase: base });
  },
};
