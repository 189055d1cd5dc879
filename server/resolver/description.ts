import type { ResolverDescription } from "./answers.js";
import { GS1_VOC } from "./link-types.js";

/**
 * The resolver description file served at `/.well-known/gs1resolver` (GS1-Conformant Resolver 1.2.0,
 * "SHALL provide a resolver description file"; its JSON schema is the standard's
 * description-file-schema). It says what this resolver answers, so that GS1's resolver network and
 * a partner's tools can find it without being configured by hand.
 */
export function resolverDescription(root: string): ResolverDescription {
  return {
    name: "Hallmark verifier: certificates of authenticity and digital product passports",
    resolverRoot: root,
    // A verifier resolves GTINs (with a serial) only.
    supportedPrimaryKeys: ["01"],
    supportedLinkType: [{ namespace: GS1_VOC, prefix: "gs1:" }],
    // The default link is the verification page, never the linkset.
    linkTypeDefaultCanBeLinkset: false,
    // Links differ by link type, media type and language, never by a `context` value.
    supportedContextValuesEnumerated: [],
  };
}
