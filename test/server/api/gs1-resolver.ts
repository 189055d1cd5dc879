/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   JSON answers are read as loose objects here: the assertions are the type checks. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { buildStack, getJson, GS1_PREFIX_A, PASSPORT_GTIN } from "./stack.js";
import type { Stack } from "./stack.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** GS1's linkset schema, vendored unchanged (docs/schemas/gs1/README.md). */
const LINKSET_SCHEMA = JSON.parse(
  readFileSync(path.join(ROOT, "docs/schemas/gs1/linkset-schema.json"), "utf8"),
) as object;
// strict: false — GS1's schema carries annotations (`name`, `@id`) that are not JSON Schema keywords.
const validateLinkset = new Ajv({ strict: false, allErrors: true }).compile(LINKSET_SCHEMA);

interface Toolkit {
  compressGS1DigitalLink(
    uri: string,
    useShortText: boolean,
    uriStem: string,
    uncompressedPrimary: boolean,
    useOptimisations: boolean,
    compressOtherKeyValuePairs: boolean,
  ): string;
}
const Toolkit = createRequire(import.meta.url)(
  "digital-link.js/lib/GS1DigitalLinkCompressionPrototype/GS1DigitalLinkToolkit.js",
) as new () => Toolkit;

/** One entry of a Link header, as GS1's conformance suite reads them (split on commas). */
interface HeaderLink {
  href: string;
  rel: string | undefined;
  title: string | undefined;
  type: string | undefined;
}
function linksOf(header: string | null): HeaderLink[] {
  return (header ?? "").split(",").map((entry) => ({
    href: entry.slice(entry.indexOf("<") + 1, entry.indexOf(">")),
    rel: /rel="(.*?)"/.exec(entry)?.[1],
    title: /title="(.*?)"/.exec(entry)?.[1],
    type: /type="(.*?)"/.exec(entry)?.[1],
  }));
}

/**
 * The GS1-Conformant Resolver (GS1 Digital Link 1.2, GS1-Conformant Resolver 1.2.0) on a verifier
 * with a real chain and IPFS. "conformance:" cases port GS1's resolver test suite
 * (gs1/GS1DL-resolver-testsuite, GS1DigitalLinkResolverTestSuite.js: headerBasedChecks,
 * errorCodeChecks, trailingSlashCheck, compressionChecks, jsonTests, jsonLdTests, rdFileCheck,
 * testQuery) to requests against this verifier; the rest are the standard's rules and Hallmark's.
 */
describe("GS1-Conformant Resolver", function () {
  let stack: Stack;
  let bag: bigint;
  let slashed: bigint; // serial with a `/`, percent-encoded in the link
  let dl: string; // the bag's Digital Link URI

  before(async function () {
    stack = await buildStack({ env: { HALLMARK_GS1_PREFIXES: JSON.stringify({ [GS1_PREFIX_A]: 1 }) } });
    bag = await stack.issue("GR-0001", stack.alice.address);
    slashed = await stack.issue("GR/0002", stack.alice.address);
    await stack.sync();
    dl = `${stack.url}/01/${PASSPORT_GTIN}/21/GR-0001`;
  });

  after(async function () {
    await stack?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Response> =>
    fetch(url, { method, headers, redirect: "manual" });

  const page = (tokenId: bigint, serial: string): string =>
    `${stack.url}/v/${tokenId.toString()}?gtin=${PASSPORT_GTIN}&serial=${encodeURIComponent(serial)}`;

  describe("the linkset", function () {
    it("answers Accept: application/linkset+json with a linkset valid against GS1's schema", async function () {
      const response = await get(dl, { accept: "application/linkset+json" });
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.equal("application/linkset+json");
      const body = (await response.json()) as Body;
      expect(validateLinkset(body), JSON.stringify(validateLinkset.errors)).to.equal(true);
      const context = (body.linkset as Body[])[0];
      expect(context.anchor).to.equal(dl);
      expect(context.itemDescription).to.equal("Selleria Tote");
      const hrefs = Object.fromEntries(
        Object.entries(context)
          .filter(([key]) => key.startsWith("https://gs1.org/voc/"))
          .map(([key, targets]) => [key.slice("https://gs1.org/voc/".length), (targets as Body[])[0].href]),
      );
      const certificate = `${stack.url}/v1/certificates/${bag.toString()}`;
      expect(hrefs).to.deep.equal({
        defaultLink: page(bag, "GR-0001"),
        pip: page(bag, "GR-0001"),
        certificationInfo: certificate,
        sustainabilityInfo: `${certificate}/passport`,
        instructions: page(bag, "GR-0001"),
        serviceInfo: page(bag, "GR-0001"),
      });
      expect(context["https://gs1.org/voc/pip"][0]).to.deep.include({
        type: "text/html",
        hreflang: ["en", "fr"],
        fwqs: true,
      });
    });

    it("answers ?linkType=linkset and ?linkType=all with the same linkset", async function () {
      const expected = await (await get(dl, { accept: "application/linkset+json" })).text();
      for (const linkType of ["linkset", "all"]) {
        const response = await get(`${dl}?linkType=${linkType}`);
        expect(response.status, linkType).to.equal(200);
        expect(await response.text(), linkType).to.equal(expected);
      }
    });

    it("conformance: linkType=all as JSON for Accept: application/json, with Vary: Accept", async function () {
      const response = await get(`${dl}?linkType=all`, { accept: "application/json" });
      expect(response.headers.get("content-type")).to.equal("application/json");
      expect(response.headers.get("vary")).to.match(/\bAccept\b/);
      expect(validateLinkset(await response.json())).to.equal(true);
    });

    it("conformance: as JSON-LD for Accept: application/ld+json, naming GS1's linkset context", async function () {
      const response = await get(`${dl}?linkType=all`, { accept: "application/ld+json" });
      expect(response.headers.get("content-type")).to.equal("application/ld+json");
      expect(response.headers.get("link")).to.include(
        '<https://ref.gs1.org/standards/resolver/linkset-context>; rel="http://www.w3.org/ns/json-ld#context"',
      );
    });

    it("names the request's qualifiers in the anchor, canonical (GTIN-14, 22 then 10 then 21)", async function () {
      const response = await get(`${stack.url}/01/${PASSPORT_GTIN.slice(1)}/22/2A/10/LOT%2F7/21/GR-0001`, {
        accept: "application/linkset+json",
      });
      const body = (await response.json()) as Body;
      expect(body.linkset[0].anchor).to.equal(`${stack.url}/01/${PASSPORT_GTIN}/22/2A/10/LOT%2F7/21/GR-0001`);
      expect(validateLinkset(body)).to.equal(true);
    });
  });

  describe("the Link header", function () {
    it("conformance: every link has a target, a link type and a title; the linkset and the default link are there", async function () {
      const response = await get(dl, { accept: "text/html" });
      const links = linksOf(response.headers.get("link"));
      for (const link of links) {
        expect(link.href, JSON.stringify(link)).to.match(/^https?:\/\//);
        expect(link.rel, JSON.stringify(link)).to.be.a("string");
        expect(link.title, JSON.stringify(link)).to.be.a("string");
      }
      expect(links.map((link) => link.rel)).to.deep.equal(["linkset", "https://gs1.org/voc/defaultLink"]);
      expect(links[0]).to.deep.include({ href: `${dl}?linkType=linkset`, type: "application/linkset+json" });
    });

    it("conformance: the default answer redirects to the default link, with the Link header", async function () {
      const response = await get(dl);
      expect(response.status).to.equal(307);
      const links = linksOf(response.headers.get("link"));
      expect(response.headers.get("location")).to.equal(page(bag, "GR-0001"));
      expect(links.map((link) => link.href)).to.include(response.headers.get("location"));
    });

    it("conformance: asking for each link type of the header redirects to its target", async function () {
      for (const link of linksOf((await get(dl)).headers.get("link"))) {
        const response = await get(`${dl}?linkType=${encodeURIComponent(link.rel ?? "")}`);
        if (link.rel === "linkset") expect(response.status).to.equal(200);
        else expect(response.headers.get("location"), link.rel).to.equal(link.href);
      }
    });

    it("is on the JSON answer and on the linkset too", async function () {
      for (const accept of ["application/json", "application/linkset+json"]) {
        const response = await get(dl, { accept });
        expect(response.headers.get("link"), accept).to.include(`<${dl}?linkType=linkset>; rel="linkset"`);
      }
    });
  });

  describe("?linkType=", function () {
    it("redirects (307) to each link the piece has, by CURIE or URI", async function () {
      const certificate = `${stack.url}/v1/certificates/${bag.toString()}`;
      const cases: [string, string][] = [
        ["gs1:pip", page(bag, "GR-0001")],
        ["https://gs1.org/voc/pip", page(bag, "GR-0001")],
        ["gs1:certificationInfo", certificate],
        ["gs1:sustainabilityInfo", `${certificate}/passport`],
        ["gs1:instructions", page(bag, "GR-0001")],
        ["gs1:serviceInfo", page(bag, "GR-0001")],
      ];
      for (const [linkType, location] of cases) {
        const response = await get(`${dl}?linkType=${encodeURIComponent(linkType)}`, {
          accept: "application/json",
        });
        expect({
          linkType,
          status: response.status,
          location: response.headers.get("location"),
        }).to.deep.equal({
          linkType,
          status: 307,
          location,
        });
      }
    });

    it("leads a JSON client from gs1:certificationInfo to the certificate itself", async function () {
      const response = await fetch(`${dl}?linkType=gs1:certificationInfo`, {
        headers: { accept: "application/json" },
      });
      expect(response.status).to.equal(200);
      expect(((await response.json()) as Body).tokenId).to.equal(bag.toString());
    });

    it("answers 404 problem+json for a link type the piece has not, naming its linkset", async function () {
      const { status, headers, body } = await getJson<Body>(`${dl}?linkType=gs1:recallStatus`);
      expect(status).to.equal(404);
      expect(headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(body.detail).to.equal(
        `This piece has no gs1:recallStatus link; the links it has are listed at ${dl}?linkType=linkset`,
      );
    });

    it("answers 400 for a link type outside GS1's vocabulary", async function () {
      const { status, body } = await getJson<Body>(`${dl}?linkType=gs1:bestPrice`);
      expect(status).to.equal(400);
      expect(body.detail).to.match(/^linkType "gs1:bestPrice" is not a GS1 link type/);
    });

    it("passes the request's query on to the page, never to the JSON API", async function () {
      const toPage = await get(`${dl}?17=261231`);
      expect(toPage.headers.get("location")).to.equal(`${page(bag, "GR-0001")}&17=261231`);
      const toApi = await get(`${dl}?17=261231&linkType=gs1:certificationInfo`);
      expect(toApi.headers.get("location")).to.equal(`${stack.url}/v1/certificates/${bag.toString()}`);
    });
  });

  describe("content negotiation", function () {
    it("redirects a browser (and a client that takes anything) with 307 to the verification page", async function () {
      for (const accept of ["text/html,application/xhtml+xml,*/*;q=0.8", "*/*"]) {
        const response = await get(dl, { accept });
        expect(response.status, accept).to.equal(307);
        expect(response.headers.get("location"), accept).to.equal(page(bag, "GR-0001"));
      }
    });

    it("answers Accept: application/json with the certificate checked against the label's GTIN", async function () {
      const { status, body } = await getJson<Body>(dl);
      expect(status).to.equal(200);
      expect(body.tokenId).to.equal(bag.toString());
      expect(body.digitalLink.gtinCheck).to.equal("match");
    });

    it("answers 406 problem+json to an Accept it cannot serve", async function () {
      const response = await get(dl, { accept: "image/png" });
      expect(response.status).to.equal(406);
      expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
      const body = (await response.json()) as Body;
      expect(body.type).to.equal("https://hallmark.dev/problems/not-acceptable");
      expect(body.detail).to.match(/^No representation of this resource matches Accept: image\/png/);
    });

    it("conformance: answers HEAD and OPTIONS, with CORS", async function () {
      const head = await get(dl, {}, "HEAD");
      expect(head.status).to.equal(307);
      expect(head.headers.get("access-control-allow-origin")).to.equal("*");
      const options = await get(dl, { origin: "https://app.example" }, "OPTIONS");
      expect(options.headers.get("access-control-allow-methods")).to.include("GET").and.include("HEAD");
      expect(options.headers.get("access-control-allow-methods")).to.include("OPTIONS");
    });
  });

  describe("item paths", function () {
    it("resolves a percent-encoded serial (set 82's `/` as %2F)", async function () {
      const response = await get(`${stack.url}/01/${PASSPORT_GTIN}/21/GR%2F0002`);
      expect(response.headers.get("location")).to.equal(page(slashed, "GR/0002"));
    });

    it("conformance: answers the same with a trailing slash", async function () {
      const [plain, slash] = await Promise.all([get(dl), get(`${dl}/`)]);
      expect([slash.status, slash.headers.get("location")]).to.deep.equal([
        plain.status,
        plain.headers.get("location"),
      ]);
    });

    it("conformance: resolves the compressed form as the uncompressed one, naming it as owl:sameAs", async function () {
      const compressed = new Toolkit().compressGS1DigitalLink(dl, false, stack.url, false, true, false);
      expect(compressed).to.not.equal(dl);
      const [plain, packed] = await Promise.all([get(dl), get(compressed)]);
      expect([packed.status, packed.headers.get("location")]).to.deep.equal([
        plain.status,
        plain.headers.get("location"),
      ]);
      expect(linksOf(packed.headers.get("link"))).to.deep.include({
        href: dl,
        rel: "owl:sameAs",
        title: undefined,
        type: undefined,
      });
    });

    it("answers 404 for an unknown piece, a product-level link and an unknown compressed segment", async function () {
      for (const url of [
        `${stack.url}/01/${PASSPORT_GTIN}/21/NO-SUCH-PIECE`,
        `${stack.url}/01/${PASSPORT_GTIN}`,
        `${stack.url}/01/${PASSPORT_GTIN}/10/LOT7`,
      ]) {
        const response = await get(url, { accept: "application/json" });
        const { status } = response;
        const { type } = (await response.json()) as { type: string };
        expect({ url, status, type }).to.deep.equal({
          url,
          status: 404,
          type: "https://hallmark.dev/problems/not-found",
        });
      }
      expect((await get(`${stack.url}/ZZZZZZZZZZZZZZZZ`, { accept: "application/json" })).status).to.equal(
        404,
      );
    });
  });

  describe("bad input", function () {
    const CASES: [string, string, RegExp][] = [
      [
        "a wrong check digit",
        `/01/08012345678900/21/GR-0001`,
        /wrong check digit: its last digit should be 7/,
      ],
      ["letters in the GTIN", `/01/0801234567890A/21/GR-0001`, /must be digits only/],
      ["a 15-digit GTIN", `/01/080123456789070/21/GR-0001`, /has 15 digits/],
      ["AIs out of order", `/01/${PASSPORT_GTIN}/21/GR-0001/10/LOT7`, /^AIs out of order/],
      [
        "an AI that is no GTIN qualifier",
        `/01/${PASSPORT_GTIN}/17/261231/21/GR-0001`,
        /is not a key qualifier/,
      ],
      ["an unknown AI (conformance: DL + /foo)", `/01/${PASSPORT_GTIN}/21/GR-0001/foo`, /has no value/],
      ["a serial outside set 82", `/01/${PASSPORT_GTIN}/21/GR%200001`, /character set 82/],
      ["a serial of 21 characters", `/01/${PASSPORT_GTIN}/21/${"G".repeat(21)}`, /at most 20/],
    ];
    for (const [name, urlPath, detail] of CASES) {
      it(`answers 400 problem+json to ${name}, saying why`, async function () {
        const response = await get(`${stack.url}${urlPath}`, { accept: "application/json" });
        expect(response.status).to.equal(400);
        expect(response.headers.get("content-type")).to.match(/^application\/problem\+json/);
        const body = (await response.json()) as Body;
        expect(body.detail).to.match(detail);
      });
    }

    it("shows a browser the Unknown verdict page with 400 instead", async function () {
      const response = await get(`${stack.url}/01/${PASSPORT_GTIN}/21/GR-0001/10/LOT7`, {
        accept: "text/html",
      });
      expect(response.status).to.equal(400);
      expect(response.headers.get("content-type")).to.match(/^text\/html/);
      expect(await response.text()).to.match(/data-verdict="unknown"/);
    });
  });

  describe("answered again (the fast path in front of Express, server/api/resolver-fast-path.ts)", function () {
    const VARIANTS: [string, Record<string, string>][] = [
      ["", { accept: "text/html,application/xhtml+xml" }],
      ["", {}],
      ["", { accept: "application/json" }],
      ["", { accept: "application/linkset+json" }],
      ["?linkType=linkset", { accept: "*/*" }],
      ["?linkType=gs1:certificationInfo", { accept: "application/json" }],
      ["?linkType=gs1%3AsustainabilityInfo", {}],
    ];
    for (const [query, headers] of VARIANTS) {
      it(`answers ${query || "no query"} with ${headers.accept ?? "no Accept"} the same as the first time`, async function () {
        const url = `${stack.url}/01/${PASSPORT_GTIN}/21/GR-0001${query}`;
        const snapshot = async (): Promise<unknown> => {
          const response = await get(url, headers);
          const kept = [...response.headers].filter(
            ([name]) => !["date", "ratelimit", "keep-alive", "connection"].includes(name),
          );
          return { status: response.status, headers: Object.fromEntries(kept), body: await response.text() };
        };
        const first = await snapshot();
        expect(await snapshot()).to.deep.equal(first);
      });
    }
  });

  describe("/.well-known/gs1resolver", function () {
    it("conformance: describes the resolver with its root and its primary keys", async function () {
      const { status, body } = await getJson<Body>(`${stack.url}/.well-known/gs1resolver`);
      expect(status).to.equal(200);
      expect(body).to.deep.equal({
        name: "Hallmark verifier: certificates of authenticity and digital product passports",
        resolverRoot: stack.url,
        supportedPrimaryKeys: ["01"],
        supportedLinkType: [{ namespace: "https://gs1.org/voc/", prefix: "gs1:" }],
        linkTypeDefaultCanBeLinkset: false,
        supportedContextValuesEnumerated: [],
      });
    });
  });
});
