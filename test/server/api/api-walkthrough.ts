/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return --
   JSON answers are read as loose objects: this file records them for docs/api.md. */
import { readFile, writeFile } from "node:fs/promises";
import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import { certificateDomain, signTypedMessage } from "../../../server/chain/eip712.js";
import { ethers, networkHelpers } from "../../contracts/fixtures.js";
import { OpenApiResponses } from "../support/openapi-responses.js";
import { buildStack, PASSPORT_GTIN } from "./stack.js";
import type { Stack } from "./stack.js";
import { createThrowawayDatabase } from "../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../store/postgres/throwaway-database.js";

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Runs each scene of the design brief §1 against the real stack and, with
 * HALLMARK_CAPTURE_API_DOC=1, writes every request and answer to docs/api.md, so that the
 * document shows real answers. Without the variable the scenes still run as a test. Every answer
 * captured is checked against the OpenAPI document the server serves (status, media type, and the
 * body against its schema): the document describes what the server really sends.
 */
describe("API walkthrough (docs/api.md)", function () {
  let stack: Stack;
  const out: string[] = [];
  let described: OpenApiResponses;
  /** Every way a captured answer departs from /openapi.json (asserted empty at the end). */
  const departures: string[] = [];
  const host = "http://127.0.0.1:8080";

  function shorten(value: unknown, depth = 0): unknown {
    if (Array.isArray(value))
      return value.length > 3 && depth > 0
        ? [...value.slice(0, 3).map((v) => shorten(v, depth + 1)), `… ${value.length - 3} more`]
        : value.map((v) => shorten(v, depth + 1));
    if (value !== null && typeof value === "object")
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          k === "passport" ? "{ … digital product passport … }" : shorten(v, depth + 1),
        ]),
      );
    return value;
  }

  async function call(
    title: string,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Body; headers: Headers }> {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      redirect: "manual",
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    departures.push(...described.problems(method, path, response.status, type, text));
    if (method === "GET" && !/^\/v1\/(ownership|chip)\/challenges\//.test(path)) {
      // The same question to the verifier whose index is in PostgreSQL: the same bytes. Only GETs:
      // a POST would make a second challenge (another random id) or a second transaction. Challenge
      // state reads are per instance until challenges live in the database.
      const mirrored = await fetch(`${stack.mirror!.url}${path}`, {
        method,
        redirect: "manual",
        headers: { accept: "application/json", ...headers },
      });
      expect({
        path,
        status: mirrored.status,
        type: mirrored.headers.get("content-type") ?? "",
        text: await mirrored.text(),
      }).to.deep.equal({ path, status: response.status, type, text });
    }
    const parsed = type.includes("json") && text !== "" ? (JSON.parse(text) as Body) : {};
    out.push(`#### ${title}\n`);
    // A GS1 Digital Link answers JSON only to a client that asks for it (curl's */* is redirected).
    const shownAccept = headers.accept ?? (path.startsWith("/01/") ? "application/json" : undefined);
    const accept = shownAccept === undefined ? "" : ` -H 'Accept: ${shownAccept}'`;
    const data =
      body === undefined ? "" : ` -H 'Content-Type: application/json' -d '${JSON.stringify(body)}'`;
    out.push(
      "```sh\ncurl -s" +
        (method === "POST" ? " -X POST" : "") +
        accept +
        data +
        ` '${host}${path}'\n` +
        "```\n",
    );
    const shown = ["location", "retry-after"]
      .filter((h) => response.headers.has(h))
      .map((h) => `${h}: ${(response.headers.get(h) ?? "").replace(stack.url, host)}`);
    out.push(
      "```http\n" +
        `HTTP/1.1 ${response.status}` +
        (type === "" ? "" : `\ncontent-type: ${type}`) +
        (shown.length > 0 ? `\n${shown.join("\n")}` : "") +
        "\n```\n",
    );
    if (text !== "")
      out.push(
        "```" +
          (type.includes("json") ? "json" : "html") +
          "\n" +
          (type.includes("json")
            ? JSON.stringify(shorten(parsed), null, 2)
            : text.slice(0, 400) + (text.length > 400 ? " …" : "")) +
          "\n```\n",
      );
    return { status: response.status, body: parsed, headers: response.headers };
  }

  let database: ThrowawayDatabase | undefined;

  before(async function () {
    // Every GET below is also asked of a verifier whose index is in PostgreSQL (same chain, same
    // IPFS node, its own indexer) and must answer the same bytes as the sqlite one.
    database = await createThrowawayDatabase({ migrated: false });
    stack = await buildStack({ mirrorDatabaseUrl: database.url });
    described = new OpenApiResponses(
      (await (await fetch(`${stack.url}/openapi.json`)).json()) as Record<string, unknown>,
    );
  });

  after(async function () {
    await stack?.close();
    await database?.drop();
    if (process.env.HALLMARK_CAPTURE_API_DOC === "1") {
      const intro = `# The verifier's HTTP API, scene by scene

Every request and answer below was captured from a real run (\`HALLMARK_CAPTURE_API_DOC=1 npx hardhat test mocha test/server/api/api-walkthrough.ts\`):
the in-process chain with the contracts deployed, an embedded IPFS node, the sqlite index and the indexer.
Addresses, token ids and hashes are those of that run (host shown as \`${host}\`); long lists are cut with "… n more"
and the digital product passport inside metadata documents is elided.
When the buyer and the seller each hold their own phone, the buyer's device asks for the ownership challenge and watches
\`GET /v1/ownership/challenges/{challengeId}\` (\`pending\`, then \`proven\` with the proof's result, or \`expired\`) while
the seller's wallet signs it and posts the proof; knowing the random 32-byte id is what lets a device watch.

Conventions (all routes):
- Every answer carries \`index: { block, caughtUp, head }\` — the block the index has reached and whether it is within the
  confirmation depth of the head; \`stale: true\` is added when the indexer has not polled recently, its last poll failed (the
  RPC it reads is down), or the chain RPC is failing for proofs, and in the last two cases \`caughtUp\` is \`false\` as well (what
  the index knows is still served; \`/readyz\` answers 503 meanwhile). After a reorganisation too deep to roll back, the
  indexer rebuilds the index beside the served one: until the rebuilt index has caught up and replaces it in one step,
  answers come from the last complete index with \`rebuilding: true\`, \`stale: true\` and \`caughtUp: false\` (\`block\` names the
  block that index holds for). A certificate that exists is never answered 404 because of a rebuild.
- A certificate's \`flags\` are what a buyer must see, and \`verdict\` sums them up: \`genuine\` (no flag), \`caution\` (only
  \`metadata_unverified\`: the document could not be checked right now — IPFS down, slow or missing it — or \`gtin_unconfirmed\`,
  below) or \`do_not_buy\` (any other flag: \`gtin_mismatch\` (below), \`stolen\`, \`revoked\`, \`superseded\`, \`suspect_issuer\`, or \`metadata_mismatch\`, a document that does not hash to
  the on-chain digest or is not a valid document; its \`metadata.reason\` is \`digest_mismatch\` or \`schema_invalid\`; with
  \`digest_mismatch\`, \`metadata.actualDigest\` gives the digest of the bytes IPFS returned). An unverified document is never shown (\`document: null\`).
- GS1 Digital Link \`/01/{gtin}/21/{serial}\` (GTIN-8/12/13/14 with its check digit, compared as GTIN-14): the GTIN's
  company prefix (\`HALLMARK_GS1_PREFIXES\`, compared past the GTIN-14's packaging indicator) names the brand; \`?brand=\` may
  name the brand of a GTIN whose prefix is configured for no brand, never contradict one that is (422
  \`gtin-brand-conflict\`); a GTIN of no configured prefix without \`?brand=\` is 404. The serial finds the certificate, and
  the GTIN is then checked against the passport's \`gtin\` in the verified metadata: the answer carries \`digitalLink: { gtin,
  passportGtin, gtinCheck }\`; \`gtinCheck: mismatch\` adds the flag \`gtin_mismatch\` (verdict \`do_not_buy\`: a real serial on
  another product's label), \`unconfirmed\` (the passport gives no GTIN, or was not verified) adds \`gtin_unconfirmed\` (verdict
  at least \`caution\`). Browsers are sent to \`/v/{tokenId}?gtin={gtin14}&serial={serial}\`, whose page makes the same check (and names the serial).
- Errors are RFC 9457 \`application/problem+json\` with a stable \`type\` (\`https://hallmark.dev/problems/<slug>\`): 400 malformed
  ids/addresses/CIDs/cursors/bodies, 404 unknown, 409 challenge replayed, **410 challenge expired** (chosen over 422: the
  challenge existed and is gone), 413 body above 16 KiB, 422 well-formed but inapplicable (challenge of another token, no chip,
  no serial salt, \`?brand=\` contradicting a GTIN's prefix), 429 rate limited and 503 chain down (both with \`Retry-After\`). No stack trace or internal message is sent.
- Ownership proofs are EIP-712 \`OwnershipProof(uint256 tokenId,address owner,bytes32 challenge)\` in the domain
  \`Hallmark Certificate\` / \`1\` of the certificate contract, checked by the contract's own \`verifyOwnership\` at the head (EOA
  and EIP-1271 wallets). Chip proofs are **EIP-191 personal messages** (what NFC signing chips produce), checked against the chip
  bound at mint (\`chipOf\` at the head). Challenges are random bytes32, single use, valid 5 minutes, kept in memory (in the shared database when
  \`HALLMARK_DATABASE_URL\` is set, so any verifier of a fleet answers them).
- A signature made by a key (an EOA owner, a chip, a claim code) must be the 65-byte \`r‖s‖v\` form: the contracts (OpenZeppelin
  5's ECDSA) refuse the 64-byte EIP-2098 compact form, so the API answers 400 \`compact-signature\` (send the 65-byte form; the
  challenge stays open) rather than a false "not the owner". An EIP-1271 wallet's signature, of any length, goes to its
  \`isValidSignature\` as before.
- \`POST /v1/claims\` relays a claim the customer signed with the claim code (\`{ tokenId, recipient, deadline, signature }\`,
  as the claim page makes it): simulated first, then sent from the brand's issuer key; 202 \`{ txHash, block }\` once mined
  (\`block: null\` if it was not mined within 10 s). A claim the contract refuses is 422 \`transaction-refused\` naming its
  custom error (nothing is sent), one already in flight 409, and a brand this verifier holds no key for 422
  \`claim-relay-unavailable\` (hand the signed claim to another relayer).
- Read your own write: \`GET /v1/certificates/{tokenId}\`, its \`/provenance\`, \`GET /v1/certificates\` and
  \`GET /v1/brands/{brand}/items/{serial}\` take \`?minBlock=N\` (the claim's \`block\`). Whichever instance or replica answers,
  it waits up to 2 s for its index to hold block N and then answers (\`index.block\` ≥ N), or answers 503
  \`dependency-unavailable\` with \`Retry-After: 1\` and the block it does hold in \`index\`: never an older state as current.
  The claim page reads the new owner this way. A malformed \`minBlock\` is 400.
- \`GET /v1/events\` streams the index's change feed; resume with \`Last-Event-ID\` (or \`?after=\`). \`index.reorg\` is
  never filtered out by \`?type=\`: with \`rebuild: true\` (the index was rebuilt) or a \`rolledBackTo\` block, what the client
  heard may be gone, so it reads again what it holds. Ids keep increasing across rebuilds; a \`Last-Event-ID\` above the
  feed's newest (another or a recreated index) gets an \`index.reorg\` with \`rebuild: true\`, \`rolledBackTo: null\` and the
  feed's newest id.
- JSON answers, problems and pages carry \`Cache-Control: no-cache\`: a cache in front of the verifier must ask again
  before reusing a verdict (only \`/ipfs\` content, addressed by its hash, is immutable).
- Lists answer \`{ items, nextCursor }\`; pass \`cursor=<nextCursor>\` for the next page (limit 1..500, default 50).
- \`GET /openapi.json\` describes every route (a test keeps it in step with the router).

`;
      // The hand-written scenes against the demo (replayed by api-doc-scenes.ts) stay as they are.
      const file = new URL("../../../docs/api.md", import.meta.url);
      const demoScenes =
        /<!-- demo-scenes:start[\s\S]*?<!-- demo-scenes:end -->\n/.exec(await readFile(file, "utf8"))?.[0] ??
        "";
      await writeFile(file, intro + demoScenes + "\n" + out.join("\n"));
    }
  });

  it("walks through the scenes of the brief", async function () {
    const chipKey = ethersLib.Wallet.createRandom();
    const claimKey = ethersLib.Wallet.createRandom();
    const jacket = await stack.issue("MA-2024-0042", stack.alice.address);
    const bag = await stack.issue("MA-2024-0107", stack.vaultA.address, {
      chip: chipKey.address,
      claimKey: claimKey.address,
    });
    for (let i = 1; i <= 3; i++)
      await stack.issue(`MA-2025-${String(i).padStart(4, "0")}`, stack.vaultA.address);
    const report = await stack.resaleReport("very-good");
    await stack.sync();
    const gtin = PASSPORT_GTIN;

    out.push("## Scene 1 — a customer in a second-hand shop scans the QR code\n");
    out.push(
      "The QR code sewn into the jacket is a GS1 Digital Link. A phone's browser is sent to the verification page:\n",
    );
    const redirect = await call(
      "The browser follows the QR code",
      "GET",
      `/01/${gtin}/21/MA-2024-0042`,
      undefined,
      { accept: "text/html" },
    );
    expect(redirect.status).to.equal(307);
    expect(redirect.headers.get("location")).to.match(
      new RegExp(`/v/${jacket.toString()}\\?gtin=${gtin}&serial=MA-2024-0042$`),
    );
    await call(
      "…and lands on the verdict page, which checks the label's GTIN too (minimal; the full page is the web part)",
      "GET",
      `/v/${jacket.toString()}?gtin=${gtin}&serial=MA-2024-0042`,
      undefined,
      { accept: "text/html" },
    );
    out.push(
      "An app asking for JSON gets the certificate itself: genuine, the model (verified metadata), not stolen, and the label's GTIN is the one the passport commits to (`digitalLink.gtinCheck: match`).\n",
    );
    const verified = await call(
      "The same link with Accept: application/json",
      "GET",
      `/01/${gtin}/21/MA-2024-0042`,
    );
    expect(verified.body.verdict).to.equal("genuine");
    out.push(
      "A real serial copied onto another product's label (here GS1's example GTIN, whose prefix is no brand's, with `?brand=1` to reach the brand) is not genuine: the passport commits to another GTIN.\n",
    );
    const copied = await call(
      "A copied serial on a label with another GTIN",
      "GET",
      `/01/09506000134352/21/MA-2024-0042?brand=1`,
    );
    expect(copied.body.verdict).to.equal("do_not_buy");
    expect(copied.body.flags).to.deep.equal(["gtin_mismatch"]);
    const conflict = await call(
      "?brand= may not contradict the GTIN's company prefix",
      "GET",
      `/01/${gtin}/21/MA-2024-0042?brand=2`,
    );
    expect(conflict.status).to.equal(422);

    out.push(
      "The seller proves from their own wallet that they own the certificate: the app asks for a challenge, the wallet signs the EIP-712 message, the verifier asks the contract at the head.\n",
    );
    const challenge = await call("Ask for an ownership challenge", "POST", "/v1/ownership/challenges", {
      tokenId: jacket.toString(),
    });
    const { EIP712Domain: _domain, ...types } = challenge.body.typedData.types;
    const signature = await stack.alice.signTypedData(
      challenge.body.typedData.domain,
      types,
      challenge.body.typedData.message,
    );
    const proof = await call("Send the wallet's signature", "POST", "/v1/ownership/proofs", {
      challengeId: challenge.body.challengeId,
      signature,
    });
    expect(proof.body.owner).to.equal(true);
    await call("The same proof again is refused (single use)", "POST", "/v1/ownership/proofs", {
      challengeId: challenge.body.challengeId,
      signature,
    });

    out.push(
      "The customer buys a piece still in the brand's custody and claims it with the one-time code the seller hands over. The claim is an on-chain transaction (`claimWithCode`, signed with the code's key and naming the buyer); once indexed the API shows the new owner.\n",
    );
    await call("Before: in brand custody, unclaimed", "GET", `/v1/certificates/${bag.toString()}`);
    const [, nonce] = await stack.certificate.claimStateOf(bag);
    const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
    const domain = certificateDomain(
      stack.deployments.chainId,
      stack.deployments.contracts.HallmarkCertificate,
    );
    const claim = await signTypedMessage(claimKey, "Claim", domain, {
      tokenId: bag,
      recipient: stack.bob.address,
      nonce,
      deadline,
    });
    await (
      await stack.certificate.connect(stack.bob).claimWithCode(bag, stack.bob.address, deadline, claim)
    ).wait();
    await stack.sync();
    const claimed = await call(
      "After claimWithCode is indexed: the buyer owns it",
      "GET",
      `/v1/certificates/${bag.toString()}`,
    );
    expect(claimed.body.owner).to.equal(stack.bob.address);

    out.push("## Scene 2 — a resale partner checks a bag before buying it\n");
    out.push(
      "Authentic, not stolen, not revoked (flags empty, verdict genuine); the seller owns it; the NFC chip answers a fresh challenge with the key registered at manufacture.\n",
    );
    const bob = await call("Seller's ownership challenge", "POST", "/v1/ownership/challenges", {
      tokenId: bag.toString(),
    });
    const { EIP712Domain: _d2, ...types2 } = bob.body.typedData.types;
    const bobSignature = await stack.bob.signTypedData(
      bob.body.typedData.domain,
      types2,
      bob.body.typedData.message,
    );
    await call("Seller's proof", "POST", "/v1/ownership/proofs", {
      challengeId: bob.body.challengeId,
      signature: bobSignature,
    });
    const chip = await call(
      "Chip challenge (EIP-191 message for the chip to sign)",
      "POST",
      "/v1/chip/challenges",
      { tokenId: bag.toString() },
    );
    const chipSignature = await chipKey.signMessage(chip.body.message as string);
    const chipProof = await call(
      "The chip's answer, tapped on the partner's phone",
      "POST",
      "/v1/chip/proofs",
      { challengeId: chip.body.challengeId, signature: chipSignature },
    );
    expect(chipProof.body.authentic).to.equal(true);
    out.push(
      "After inspection the partner publishes its report on IPFS and calls `authenticatedResale` (the seller approved the partner); the certificate moves to the buyer and the history shows the event with the partner's role and the report's CID.\n",
    );
    await (await stack.certificate.connect(stack.bob).approve(stack.partnerA.address, bag)).wait();
    await (
      await stack.certificate.connect(stack.partnerA).authenticatedResale(bag, stack.carol.address, report, 8)
    ).wait();
    await stack.sync();
    const history = await call("The piece's life", "GET", `/v1/certificates/${bag.toString()}/provenance`);
    expect((history.body.items as Body[]).map((e) => e.kind)).to.include("authenticated_resale");
    const resale = (history.body.items as Body[]).find((e) => e.kind === "authenticated_resale");
    await call(
      "The partner's report, verified against its CID",
      "GET",
      `/ipfs/${resale?.details.cid as string}`,
    );
    await call(
      "Paginated: one event per page",
      "GET",
      `/v1/certificates/${bag.toString()}/provenance?limit=1`,
    );

    out.push(
      "A certificate reported stolen is flagged for everyone at once, and partners following the event stream hear of it:\n",
    );
    await (
      await stack.certificate.connect(stack.alice).reportStolen(jacket, "stolen from the shop window")
    ).wait();
    await stack.sync();
    await call("A stolen piece", "GET", `/v1/certificates/${jacket.toString()}`);
    out.push(
      "```sh\ncurl -N 'http://127.0.0.1:8080/v1/events?type=certificate.status,certificate.transfer&after=0'\n```\n",
    );
    const controller = new AbortController();
    const stream = await fetch(
      `${stack.url}/v1/events?type=certificate.status,certificate.transfer&after=0`,
      { signal: controller.signal },
    );
    const reader = stream.body!.getReader();
    let text = "";
    while (!text.includes("event: certificate.status"))
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    out.push("```text\n" + text.trim().split("\n\n").slice(0, 4).join("\n\n") + "\n…\n```\n");

    out.push("## Scene 3 — a brand and its catalogue\n");
    out.push(
      "Minting is the issuer CLI's job (another part); the verifier shows the result: the brand, its roles, the certificates in its custody vault, and its digital garments.\n",
    );
    await call("The brand", "GET", "/v1/brands/1");
    await call("Brands", "GET", "/v1/brands");
    const page = await call(
      "Certificates of the brand, two per page",
      "GET",
      "/v1/certificates?brand=1&limit=2",
    );
    await call(
      "Next page",
      "GET",
      `/v1/certificates?brand=1&limit=2&cursor=${page.body.nextCursor as string}`,
    );
    await call("What the vault holds", "GET", `/v1/owners/${stack.vaultA.address}/items?limit=2`);
    const digest = await stack.garmentDocument();
    await (
      await stack.garments.connect(stack.issuerA).createDesign(1, {
        maxSupply: 500,
        closesAt: 0,
        metadataDigest: digest,
        royaltyReceiver: ethersLib.ZeroAddress,
        royaltyBps: 0,
        locked: false,
        redeemable: true,
        twinCollectionRoot: ethersLib.ZeroHash,
      })
    ).wait();
    await (
      await stack.garments
        .connect(stack.issuerA)
        .mintEditions(1, [stack.alice.address, stack.bob.address], [2, 1])
    ).wait();
    await stack.sync();
    await call("A digital garment edition of 500", "GET", "/v1/garments/1");

    out.push("## When things go wrong\n");
    await call("A malformed token id", "GET", "/v1/certificates/12ab");
    await call("An unknown certificate", "GET", `/v1/certificates/${((1n << 224n) | 7n).toString()}`);
    await call("A malformed cursor", "GET", "/v1/certificates?cursor=not*a*cursor");
    await call(
      "A mixed-case address with a bad checksum",
      "GET",
      "/v1/owners/0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266/items",
    );
    await call("A chip challenge for a piece without a chip", "POST", "/v1/chip/challenges", {
      tokenId: jacket.toString(),
    });
    await call("Readiness", "GET", "/readyz");
    void ethers;
    expect(departures, "captured answers that /openapi.json does not describe").to.deep.equal([]);
  });
});
