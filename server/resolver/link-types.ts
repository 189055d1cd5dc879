import { InvalidInputError } from "../errors.js";

/**
 * GS1 link types (the GS1 Web Vocabulary's subproperties of gs1:linkType, https://ref.gs1.org/voc/)
 * and the `?linkType=` values a request may carry. A link type is named by its CURIE (`gs1:pip`) or
 * its URI (`https://gs1.org/voc/pip`, and the vocabulary's other namespaces ref.gs1.org/voc and
 * www.gs1.org/voc, which it declares equivalent). `linkset` and `all` ask for the linkset itself.
 *
 * A name that is not in the vocabulary is a 400 (the request is malformed); one that is, but that
 * the item has no link of, is a 404 (server/resolver/links.ts decides which an item has).
 */

/** The namespace the linkset's keys and the Link header's rel values use (the resolver standard's). */
export const GS1_VOC = "https://gs1.org/voc/";

/**
 * The link types of the GS1 Web Vocabulary. When GS1 adds a term, add it here: until then a
 * request for it is refused as unknown, as the standard asks of any term outside the vocabularies
 * the resolver declares (/.well-known/gs1resolver, supportedLinkType).
 */
export const GS1_LINK_TYPES: ReadonlySet<string> = new Set([
  "activityIdeas",
  "allergenInfo",
  "brandHomepageClinical",
  "brandHomepagePatient",
  "careersInfo",
  "certificationInfo",
  "consumerHandlingStorageInfo",
  "defaultLink",
  "defaultLinkMulti",
  "epcis",
  "epil",
  "eventsInfo",
  "faqs",
  "handledBy",
  "hasRetailers",
  "homepage",
  "ingredientsInfo",
  "instructions",
  "jws",
  "leaveReview",
  "locationInfo",
  "logisticsInfo",
  "masterData",
  "menuInfo",
  "nutritionalInfo",
  "openingHoursInfo",
  "paymentLink",
  "pip",
  "productSustainabilityInfo",
  "promotion",
  "purchaseSuppliesOrAccessories",
  "quickStartGuide",
  "recallStatus",
  "recipeInfo",
  "registerProduct",
  "registryEntry",
  "relatedVideo",
  "review",
  "safetyInfo",
  "scheduleTime",
  "serviceInfo",
  "smartLabel",
  "smpc",
  "socialMedia",
  "statisticInfo",
  "support",
  "sustainabilityInfo",
  "traceability",
  "tutorial",
  "userAgreement",
  "verificationService",
  "whatsInTheBox",
]);

/** What a `?linkType=` asks for: one link type (by its short name), or the whole linkset. */
export type LinkTypeRequest = { kind: "linkset" } | { kind: "link"; name: string };

const NAMESPACES = [
  "https://gs1.org/voc/",
  "http://gs1.org/voc/",
  "https://ref.gs1.org/voc/",
  "https://www.gs1.org/voc/",
];

/** Parses `?linkType=`: a 400 for a value that names no GS1 link type. */
export function parseLinkType(value: string): LinkTypeRequest {
  if (value === "linkset" || value === "all") return { kind: "linkset" };
  let name: string | undefined;
  if (value.startsWith("gs1:")) name = value.slice(4);
  else
    for (const namespace of NAMESPACES) if (value.startsWith(namespace)) name = value.slice(namespace.length);
  if (name === undefined || !GS1_LINK_TYPES.has(name)) {
    const message = `linkType "${value}" is not a GS1 link type: use gs1:{name} or ${GS1_VOC}{name} with a term of the GS1 Web Vocabulary (e.g. gs1:pip), or linkset`;
    throw new InvalidInputError(message, { details: [{ path: "query.linkType", message }] });
  }
  return { kind: "link", name };
}

export const curieOf = (name: string): string => `gs1:${name}`;
export const uriOf = (name: string): string => `${GS1_VOC}${name}`;
