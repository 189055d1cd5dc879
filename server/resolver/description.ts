import { GS1_VOC } from "./link-types.js";

/**
 * The resolver description file served at `/.well-known/gs1resolver` (GS1-Conformant Resolver 1.2.0,
 * "SHALL provide a resolver description file"; its JSON schema is the standard's
 * description-file-schema). It says what this resolver answers, so that GS1's resolver network and
 * a partner's tools can find it without being configured by hand.
 */
export interface ResolverDescription {
  name: string;
  resolverRoot: string;
  /** AIs of the primary keys answered: a verifier resolves GTINs (with a serial) only. */
  supportedPrimaryKeys: string[];
  supportedLinkType: { namespace: string; prefix: string }[];
  /** Whether `linkset` can be made the default link type: no, the default is the verification page. */
  linkTypeDefaultCanBeLinkset: boolean;
  /** Values of `context` the resolver matches links on: none (links differ by link type, type and language). */
  supportedContextValuesEnumerated: string[];
}

export function resolverDescription(root: string): ResolverDescription {
  return {
    name: "Hallmark verifier: certificates of authenticity and digital product passports",
    resolverRoot: root,
    supportedPrimaryKeys: ["01"],
    supportedLinkType: [{ namespace: GS1_VOC, prefix: "gs1:" }],
    linkTypeDefaultCanBeLinkset: false,
    supportedContextValuesEnumerated: [],
  };
}
