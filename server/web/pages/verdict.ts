import type { CertificateView } from "../../verification/certificate.js";
import type { SafeHtml } from "../html.js";
import { html, raw } from "../html.js";
import type { Messages } from "../i18n/index.js";

/**
 * What the customer sees first. Each kind has its own icon shape and its own word, so it reads
 * the same without colour: a circle with a tick, an octagon, a crossed square, a triangle, a
 * diamond with an arrow, a document with a "not equal" sign, a tag with a "not equal" sign, a clock,
 * a dashed circle with a question mark.
 */
export type VerdictKind =
  | "genuine"
  | "stolen"
  | "revoked"
  | "mismatch"
  | "label_mismatch"
  | "warning"
  | "superseded"
  | "unverified"
  | "unknown";

/**
 * Reasons that say the bytes were read and are not the brand's document (tampered, or not a valid
 * certificate description), as opposed to IPFS not answering. The verifier's `metadata_mismatch`
 * flag says the same; the reason is read too so that the page never depends on one spelling.
 */
const MISMATCH_REASONS: ReadonlySet<string> = new Set(["digest_mismatch", "schema_invalid"]);

/** Flags are compared as strings: the page must handle flags the verifier adds before its type names them. */
function hasFlag(view: CertificateView, flag: string): boolean {
  return (view.flags as readonly string[]).includes(flag);
}

/**
 * A document that does not match the chain is never shown as Genuine: a mismatch voids the
 * certificate (do not buy), a document that could not be read leaves it unconfirmed.
 */
export function verdictKindOf(view: CertificateView): VerdictKind {
  if (hasFlag(view, "stolen")) return "stolen";
  // A successor revokes its predecessor: "replaced" says more than "revoked" (the piece is genuine).
  if (hasFlag(view, "superseded")) return "superseded";
  if (hasFlag(view, "revoked")) return "revoked";
  const unverified = hasFlag(view, "metadata_unverified") || !view.metadata.verified;
  if (hasFlag(view, "metadata_mismatch") || (unverified && MISMATCH_REASONS.has(view.metadata.reason ?? "")))
    return "mismatch";
  // The label scanned names another product than the certificate's (server/verification/digital-link.ts).
  if (hasFlag(view, "gtin_mismatch")) return "label_mismatch";
  if (hasFlag(view, "suspect_issuer")) return "warning";
  if (unverified) return "unverified";
  // The label's product number could not be confirmed: the warning says so.
  if (hasFlag(view, "gtin_unconfirmed")) return "warning";
  return "genuine";
}

const ICONS: Record<VerdictKind, string> = {
  genuine:
    '<circle cx="24" cy="24" r="21" fill="currentColor"/><path d="M14 25l7 7 13-15" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>',
  stolen:
    '<path d="M16 3h16l13 13v16L32 45H16L3 32V16z" fill="currentColor"/><path d="M24 12v15" stroke="#fff" stroke-width="5" stroke-linecap="round"/><circle cx="24" cy="35" r="3" fill="#fff"/>',
  revoked:
    '<rect x="4" y="4" width="40" height="40" rx="3" fill="currentColor"/><path d="M15 15l18 18M33 15L15 33" stroke="#fff" stroke-width="5" stroke-linecap="round"/>',
  warning:
    '<path d="M24 3L46 43H2z" fill="currentColor"/><path d="M24 16v13" stroke="#fff" stroke-width="5" stroke-linecap="round"/><circle cx="24" cy="36" r="3" fill="#fff"/>',
  mismatch:
    '<path d="M9 3h21l10 10v32H9z" fill="currentColor"/><path d="M16 22h17M16 31h17M29 17l-9 19" stroke="#fff" stroke-width="4" stroke-linecap="round"/>',
  label_mismatch:
    '<path d="M4 8h24l16 16-16 16H4z" fill="currentColor"/><path d="M10 19h14M10 28h14M21 14l-8 19" stroke="#fff" stroke-width="4" stroke-linecap="round"/>',
  superseded:
    '<path d="M24 2L46 24 24 46 2 24z" fill="currentColor"/><path d="M14 24h17m-6-7l7 7-7 7" fill="none" stroke="#fff" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round"/>',
  unverified:
    '<circle cx="24" cy="24" r="20" fill="none" stroke="currentColor" stroke-width="5"/><path d="M24 12v13l8 6" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>',
  unknown:
    '<circle cx="24" cy="24" r="20" fill="none" stroke="currentColor" stroke-width="4" stroke-dasharray="6 4"/><path d="M18 18a6 6 0 1 1 9 5c-2 1-3 2-3 5" fill="none" stroke="currentColor" stroke-width="4" stroke-linecap="round"/><circle cx="24" cy="35" r="2.8" fill="currentColor"/>',
};

export function verdictIcon(kind: VerdictKind): SafeHtml {
  return raw(
    `<svg class="verdict-icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">${ICONS[kind]}</svg>`,
  );
}

export function verdictBanner(t: Messages, kind: VerdictKind, extra?: SafeHtml): SafeHtml {
  return html`<section class="verdict verdict-${kind}" data-verdict="${kind}" aria-labelledby="verdict-title">
${verdictIcon(kind)}
<div>
<h1 id="verdict-title" class="verdict-title">${t.verdict[kind]}</h1>
<p>${t.verdictHelp[kind]}</p>
${extra}
</div>
</section>`;
}
