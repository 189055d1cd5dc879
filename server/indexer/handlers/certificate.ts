/**
 * HallmarkCertificate events (ERC-721): certificates, owners, statuses and the provenance of each
 * piece. Folding rules, per transaction: the mint Transfer becomes part of the 'issued' entry; the
 * Transfer of a claim becomes the 'claimed_with_code'/'claimed_with_chip'/'claimed_with_tag' entry; the Transfer of an
 * authenticated resale fills in the resale entry's from/to.
 */
import type { CertificateStatus, ProvenanceKind, RoleName } from "../../store/model.js";
import type { HandlerContext, HandlerTable } from "./types.js";
import { brandOfToken, isZero, orNull } from "./types.js";

const STATUS: readonly CertificateStatus[] = ["active", "stolen", "revoked"];
const STATUS_KIND: Readonly<Record<CertificateStatus, ProvenanceKind>> = {
  active: "restored",
  stolen: "stolen",
  revoked: "revoked",
};
const RECORDED_KIND: readonly ProvenanceKind[] = ["sale", "authenticated_resale", "repair", "inspection"];

function rolesAt(ctx: HandlerContext, tokenId: bigint, actor: string | null): RoleName[] {
  return actor === null ? [] : ctx.tx.rolesOf(brandOfToken(tokenId), actor);
}

function touch(ctx: HandlerContext, tokenId: string): boolean {
  if (ctx.tx.getCertificate(tokenId) === null) return false;
  ctx.tx.updateCertificate(tokenId, { updatedAtBlock: ctx.ref.blockNumber });
  return true;
}

function claimed(
  ctx: HandlerContext,
  kind: "claimed_with_code" | "claimed_with_chip" | "claimed_with_tag",
): void {
  const [tokenId, from, to] = ctx.event.args as unknown as [bigint, string, string];
  const key = tokenId.toString();
  const transferId = ctx.txState.transfers.get(key);
  const entry = { kind, actor: to, actorRoles: rolesAt(ctx, tokenId, to), from, to };
  if (transferId !== undefined) {
    ctx.tx.updateProvenance(transferId, entry);
  } else {
    ctx.tx.insertProvenance({
      ...ctx.ref,
      ...entry,
      tokenId: key,
      detailsDigest: null,
      conditionGrade: null,
      reason: null,
      relatedTokenId: null,
    });
  }
}

export const certificateHandlers: HandlerTable = {
  Transfer(ctx) {
    const { tx, event, ref, txState } = ctx;
    const [from, to, tokenId] = event.args as unknown as [string, string, bigint];
    const key = tokenId.toString();
    if (isZero(from)) {
      // Folded into the 'issued' entry written by CertificateIssued (emitted right after).
      txState.mints.set(key, to);
      return;
    }
    if (tx.getCertificate(key) === null) return;
    tx.updateCertificate(key, { owner: to, updatedAtBlock: ref.blockNumber });
    const resaleId = txState.resales.get(key);
    if (resaleId !== undefined) {
      tx.updateProvenance(resaleId, { from, to });
      txState.resales.delete(key);
    } else {
      const id = tx.insertProvenance({
        ...ref,
        tokenId: key,
        kind: "transfer",
        actor: from,
        actorRoles: rolesAt(ctx, tokenId, from),
        from,
        to,
        detailsDigest: null,
        conditionGrade: null,
        reason: null,
        relatedTokenId: null,
      });
      txState.transfers.set(key, id);
    }
    tx.appendEvent({
      type: "certificate.transfer",
      blockNumber: ref.blockNumber,
      txHash: ref.txHash,
      timestamp: ref.timestamp,
      data: { tokenId: key, from, to },
    });
  },

  CertificateIssued(ctx) {
    const { tx, event, ref, txState } = ctx;
    const [tokenId, issuer, metadataDigest] = event.args as unknown as [bigint, string, string];
    const key = tokenId.toString();
    const owner = txState.mints.get(key) ?? "0x0000000000000000000000000000000000000000";
    txState.mints.delete(key);
    tx.insertCertificate({
      tokenId: key,
      brandId: brandOfToken(tokenId),
      owner,
      status: "active",
      statusReason: null,
      statusChangedAt: null,
      metadataDigest: metadataDigest.toLowerCase(),
      metadataUpdatedBy: issuer,
      metadataUpdatedAtBlock: ref.blockNumber,
      issuer,
      issued: ref,
      chip: null,
      claimKey: null,
      chipClaimsEnabled: false,
      successorId: null,
      predecessorId: null,
      updatedAtBlock: ref.blockNumber,
    });
    const id = tx.insertProvenance({
      ...ref,
      tokenId: key,
      kind: "issued",
      actor: issuer,
      actorRoles: rolesAt(ctx, tokenId, issuer),
      from: null,
      to: owner,
      detailsDigest: metadataDigest.toLowerCase(),
      conditionGrade: null,
      reason: null,
      relatedTokenId: null,
    });
    txState.issued.set(key, id);
    tx.appendEvent({
      type: "certificate.issued",
      blockNumber: ref.blockNumber,
      txHash: ref.txHash,
      timestamp: ref.timestamp,
      data: { tokenId: key, brandId: brandOfToken(tokenId), owner, issuer },
    });
  },

  MetadataDigestUpdated(ctx) {
    const { tx, event, ref } = ctx;
    const [tokenId, metadataDigest, issuer] = event.args as unknown as [bigint, string, string];
    const key = tokenId.toString();
    if (!touch(ctx, key)) return;
    tx.updateCertificate(key, {
      metadataDigest: metadataDigest.toLowerCase(),
      metadataUpdatedBy: issuer,
      metadataUpdatedAtBlock: ref.blockNumber,
    });
    tx.insertProvenance({
      ...ref,
      tokenId: key,
      kind: "metadata_updated",
      actor: issuer,
      actorRoles: rolesAt(ctx, tokenId, issuer),
      from: null,
      to: null,
      detailsDigest: metadataDigest.toLowerCase(),
      conditionGrade: null,
      reason: null,
      relatedTokenId: null,
    });
    tx.appendEvent({
      type: "certificate.metadata",
      blockNumber: ref.blockNumber,
      txHash: ref.txHash,
      timestamp: ref.timestamp,
      data: { tokenId: key, metadataDigest: metadataDigest.toLowerCase(), issuer },
    });
  },

  ChipBound(ctx) {
    const [tokenId, chip] = ctx.event.args as unknown as [bigint, string];
    if (touch(ctx, tokenId.toString())) ctx.tx.updateCertificate(tokenId.toString(), { chip: orNull(chip) });
  },

  ClaimKeySet(ctx) {
    const [tokenId, claimKey] = ctx.event.args as unknown as [bigint, string, string];
    if (touch(ctx, tokenId.toString()))
      ctx.tx.updateCertificate(tokenId.toString(), { claimKey: orNull(claimKey) });
  },

  ChipClaimsEnabled(ctx) {
    const [tokenId, enabled] = ctx.event.args as unknown as [bigint, boolean];
    if (touch(ctx, tokenId.toString()))
      ctx.tx.updateCertificate(tokenId.toString(), { chipClaimsEnabled: enabled });
  },

  ClaimedWithCode(ctx) {
    claimed(ctx, "claimed_with_code");
  },

  ClaimedWithChip(ctx) {
    claimed(ctx, "claimed_with_chip");
  },

  // TagAttestedClaims: a tag oracle's attestation of a fresh NTAG 424 DNA tap (its counter and oracle stay in
  // the log; the entry is the claim, as for a chip).
  ClaimedWithTag(ctx) {
    claimed(ctx, "claimed_with_tag");
  },

  StatusChanged(ctx) {
    const { tx, event, ref } = ctx;
    const [tokenId, statusIndex, by, reason] = event.args as unknown as [bigint, bigint, string, string];
    const key = tokenId.toString();
    const status = STATUS[Number(statusIndex)];
    if (status === undefined || !touch(ctx, key)) return;
    tx.updateCertificate(key, { status, statusReason: reason, statusChangedAt: ref });
    tx.insertProvenance({
      ...ref,
      tokenId: key,
      kind: STATUS_KIND[status],
      actor: by,
      actorRoles: rolesAt(ctx, tokenId, by),
      from: null,
      to: null,
      detailsDigest: null,
      conditionGrade: null,
      reason,
      relatedTokenId: null,
    });
    tx.appendEvent({
      type: "certificate.status",
      blockNumber: ref.blockNumber,
      txHash: ref.txHash,
      timestamp: ref.timestamp,
      data: { tokenId: key, status, by, reason },
    });
  },

  ProvenanceRecorded(ctx) {
    const { tx, event, ref, txState } = ctx;
    const [tokenId, kindIndex, actor, detailsDigest, conditionGrade] = event.args as unknown as [
      bigint,
      bigint,
      string,
      string,
      bigint,
    ];
    const key = tokenId.toString();
    const kind = RECORDED_KIND[Number(kindIndex)];
    if (kind === undefined || !touch(ctx, key)) return;
    const id = tx.insertProvenance({
      ...ref,
      tokenId: key,
      kind,
      actor,
      actorRoles: rolesAt(ctx, tokenId, actor),
      from: null,
      to: null,
      detailsDigest: detailsDigest.toLowerCase(),
      conditionGrade: Number(conditionGrade),
      reason: null,
      relatedTokenId: null,
    });
    if (kind === "authenticated_resale") txState.resales.set(key, id);
  },

  CertificateSucceeded(ctx) {
    const { tx, event, ref, txState } = ctx;
    const [predecessorId, successorId, reason] = event.args as unknown as [bigint, bigint, string];
    const pred = predecessorId.toString();
    const succ = successorId.toString();
    if (touch(ctx, pred)) {
      tx.updateCertificate(pred, { successorId: succ });
      // issueSuccessor mints the successor in the same transaction: its issuer is the actor.
      const actor = tx.getCertificate(succ)?.issuer ?? null;
      tx.insertProvenance({
        ...ref,
        tokenId: pred,
        kind: "succeeded",
        actor,
        actorRoles: rolesAt(ctx, predecessorId, actor),
        from: null,
        to: null,
        detailsDigest: null,
        conditionGrade: null,
        reason,
        relatedTokenId: succ,
      });
    }
    if (touch(ctx, succ)) {
      tx.updateCertificate(succ, { predecessorId: pred });
      const issuedId = txState.issued.get(succ);
      if (issuedId !== undefined) tx.updateProvenance(issuedId, { relatedTokenId: pred, reason });
    }
    tx.appendEvent({
      type: "certificate.succeeded",
      blockNumber: ref.blockNumber,
      txHash: ref.txHash,
      timestamp: ref.timestamp,
      data: { predecessorId: pred, successorId: succ, reason },
    });
  },

  TokenURIBaseChanged({ tx, event }) {
    const [brandId, base] = event.args as unknown as [bigint, string];
    if (tx.getBrand(Number(brandId)) !== null) tx.updateBrand(Number(brandId), { tokenURIBase: base });
  },
};
