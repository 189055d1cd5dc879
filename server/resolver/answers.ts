import { z } from "zod";

/**
 * The shapes of the resolver's own answers, as zod schemas the OpenAPI document is generated from
 * (server/api/openapi.ts). The linkset is also checked against GS1's JSON schema in the tests
 * (docs/schemas/gs1/linkset-schema.json); this one says the same in fewer words.
 */

const LinksetTarget = z.object({
  href: z.string().describe("absolute URL of the target"),
  title: z.string(),
  type: z.string().describe("media type of the target"),
  hreflang: z.array(z.string()).optional(),
  fwqs: z.boolean().describe("whether the request's query string is passed on when redirecting"),
});

export const Linkset = z
  .object({
    linkset: z
      .array(
        z
          .object({
            anchor: z.string().describe("the GS1 Digital Link URI asked for, uncompressed and canonical"),
            itemDescription: z.string(),
          })
          .catchall(z.array(LinksetTarget)),
      )
      .length(1),
  })
  .describe(
    "RFC 9264 linkset (GS1 linkset schema): link types as keys (https://gs1.org/voc/{name}), each with its targets",
  );
export type Linkset = z.output<typeof Linkset>;

export const ResolverDescription = z
  .object({
    name: z.string(),
    resolverRoot: z.string(),
    supportedPrimaryKeys: z.array(z.string()).describe("AIs of the primary keys answered: 01 (GTIN)"),
    supportedLinkType: z.array(z.object({ namespace: z.string(), prefix: z.string() })),
    linkTypeDefaultCanBeLinkset: z.boolean(),
    supportedContextValuesEnumerated: z.array(z.string()),
  })
  .describe("GS1 resolver description file (GS1-Conformant Resolver 1.2.0)");
export type ResolverDescription = z.output<typeof ResolverDescription>;
