import { writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import { CID } from "multiformats/cid";
import { importFile } from "../../../../server/ipfs/import-dag.js";
import { describeMediaFile } from "../../../../server/issuer/media.js";
import { ethers } from "../../../contracts/fixtures.js";
import { makeTempDir } from "../../support/temp-dir.js";
import { buildIssuerStack, manifestRows, MEDIA_LIMIT_BYTES, waitForJob } from "./issuer-stack.js";
import type { IssuerStack } from "./issuer-stack.js";

interface MediaAnswer {
  cid: string;
  uri: string;
  size: number;
  contentType: string;
}

interface Problem {
  type: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

const PROBLEMS = "https://hallmark.dev/problems/";
const ROUTE = "/v1/issuer/brands/1/media";

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

/** A PNG signature followed by `size` bytes in total: several 256 KiB chunks, hence a multi-block DAG. */
function largePng(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size, seed);
  PNG.copy(bytes, 0, 0, 16);
  return bytes;
}

/** The CID the bytes would get, computed without storing anything. */
async function cidOf(bytes: Uint8Array): Promise<CID> {
  return importFile(bytes, { put: (cid: CID) => Promise.resolve(cid), has: () => Promise.resolve(false) });
}

function chunked(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) controller.close();
      else controller.enqueue(bytes.subarray(offset, (offset += chunkSize)));
    },
  });
}

describe("issuer API: media uploads", function () {
  let stack: IssuerStack;
  let key: string;

  before(async function () {
    stack = await buildIssuerStack();
    key = await stack.createKey(1, ["mint"]);
  });

  after(async function () {
    await stack?.close();
  });

  describe("POST /v1/issuer/brands/:brand/media", function () {
    it("stores and pins a PNG with 201 and the CID the CLI's media import computes for the same file", async function () {
      const { status, body } = await stack.upload<MediaAnswer>(ROUTE, PNG, { key, contentType: "image/png" });
      expect(status, JSON.stringify(body)).to.equal(201);
      const temp = await makeTempDir("media-cid");
      try {
        await writeFile(path.join(temp.path, "bag.png"), PNG);
        const described = await describeMediaFile(temp.path, "bag.png");
        if (typeof described === "string") throw new Error(described);
        expect(body).to.deep.include({
          cid: described.cid.toString(),
          uri: `ipfs://${described.cid.toString()}`,
          size: PNG.length,
          contentType: "image/png",
        });
      } finally {
        await temp.remove();
      }
      expect(await stack.metadataStore.isPinned(CID.parse(body.cid))).to.equal(true);
      expect(Buffer.from(await stack.metadataStore.get(CID.parse(body.cid)))).to.deep.equal(PNG);
    });

    it("gives the same CID to the same bytes again, harmlessly, with 200", async function () {
      const first = await stack.upload<MediaAnswer>(ROUTE, PNG, { key, contentType: "image/png" });
      const again = await stack.upload<MediaAnswer>(ROUTE, PNG, {
        key,
        contentType: "image/png; charset=binary",
      });
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.include({ cid: first.body.cid, size: PNG.length });
    });

    it("streams a multi-chunk file sent without a Content-Length to the CLI's CID", async function () {
      const bytes = largePng(700 * 1024, 7);
      const { status, body } = await stack.upload<MediaAnswer>(ROUTE, chunked(bytes), {
        key,
        contentType: "image/png",
      });
      expect(status, JSON.stringify(body)).to.equal(201);
      expect(body.cid).to.equal((await cidOf(bytes)).toString());
      expect(body.size).to.equal(bytes.length);
    });

    it("writes an audit row naming the CID", async function () {
      const [row] = await stack.issuer.audit.list(1, { limit: 1 });
      expect(row).to.include({ action: "media.upload", outcome: "ok", keyId: key.split("_")[1] });
      expect(row.target).to.match(/^bafy\w+ \(716800 bytes, image\/png\)$/);
    });

    describe("when the file is above the limit", function () {
      for (const [how, send] of [
        ["with a Content-Length", (bytes: Buffer) => bytes],
        ["streamed without one", (bytes: Buffer) => chunked(bytes)],
      ] as const) {
        it(`refuses it ${how} with 413 problem+json and pins nothing`, async function () {
          const bytes = largePng(MEDIA_LIMIT_BYTES + 1, how.length);
          const { status, body, headers } = await stack.upload<Problem>(ROUTE, send(bytes), {
            key,
            contentType: "image/png",
          });
          expect(status).to.equal(413);
          expect(headers.get("content-type")).to.match(/^application\/problem\+json/);
          expect(body.type).to.equal(`${PROBLEMS}content-too-large`);
          expect(await stack.metadataStore.isPinned(await cidOf(bytes))).to.equal(false);
          expect((await stack.issuer.audit.list(1, { limit: 1 }))[0]).to.include({
            action: "media.upload",
            outcome: "refused",
            status: 413,
          });
        });
      }
    });

    describe("when the content type is not a picture or model a manifest takes", function () {
      it("refuses text/plain, a missing Content-Type and JSON with 415", async function () {
        for (const contentType of ["text/plain", undefined, "application/json"]) {
          const { status, body } = await stack.upload<Problem>(ROUTE, PNG, { key, contentType });
          expect(status, String(contentType)).to.equal(415);
          expect(body.type).to.equal(`${PROBLEMS}unsupported-media-type`);
        }
      });

      it("refuses bytes that are not what the Content-Type says with 422, pinning nothing", async function () {
        const text = Buffer.from("just some text, not a picture");
        const { status, body } = await stack.upload<Problem>(ROUTE, text, { key, contentType: "image/jpeg" });
        expect(status).to.equal(422);
        expect(body.type).to.equal(`${PROBLEMS}media-content-mismatch`);
        expect(await stack.metadataStore.isPinned(await cidOf(text))).to.equal(false);
      });
    });

    describe("when the key may not upload", function () {
      const bytes = largePng(2_000, 99);
      const cases: [string, () => Promise<{ key?: string; authorization?: string }>, number][] = [
        ["no key", () => Promise.resolve({}), 401],
        [
          "a wrong secret",
          () =>
            Promise.resolve({
              authorization: `Bearer ${key.slice(0, -4)}${key.endsWith("0000") ? "1111" : "0000"}`,
            }),
          401,
        ],
        ["another brand's key", async () => ({ key: await stack.createKey(2, ["mint"]) }), 403],
        [
          "a key without the mint scope",
          async () => ({ key: await stack.createKey(1, ["events", "status", "claim-codes"]) }),
          403,
        ],
      ];
      for (const [name, auth, expected] of cases) {
        it(`refuses ${name} with ${expected}, storing nothing and writing one audit row`, async function () {
          const before = await stack.issuer.audit.count();
          const { authorization, key: callerKey } = await auth();
          const headers: Record<string, string> = { "content-type": "image/png" };
          if (authorization !== undefined) headers.authorization = authorization;
          else if (callerKey !== undefined) headers.authorization = `Bearer ${callerKey}`;
          const response = await fetch(`${stack.url}${ROUTE}`, { method: "POST", headers, body: bytes });
          await response.arrayBuffer();
          expect(response.status).to.equal(expected);
          const cid = await cidOf(bytes);
          expect(await stack.metadataStore.isPinned(cid)).to.equal(false);
          let held = true;
          await stack.metadataStore.stat(cid).catch(() => (held = false));
          expect(held, "no block stored").to.equal(false);
          expect(await stack.issuer.audit.count()).to.equal(before + 1);
          const [row] = (await stack.issuer.audit.list(1, { limit: 1 }))
            .concat(await stack.issuer.audit.list(2, { limit: 1 }))
            .sort((a, b) => b.id - a.id);
          expect(row).to.include({ action: "media.upload", outcome: "refused", status: expected });
        });
      }
    });
  });

  describe("a mint job naming uploaded pictures by ipfs:// URI", function () {
    it("mints the certificate with verified metadata whose image is the uploaded CID", async function () {
      const upload = await stack.upload<MediaAnswer>(ROUTE, PNG, { key, contentType: "image/png" });
      const rows = manifestRows(2, "MEDIA").map((row) => ({ ...row, images: upload.body.uri }));
      const created = await stack.call<{ location: string }>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body: { rows },
        headers: { "idempotency-key": "media-by-cid-0001" },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(202);
      const job = (await waitForJob(stack, key, created.body.location)) as {
        status: string;
        receipt: { tokenId: string }[];
        progress: { ipfs: { files: number } };
      };
      expect(job.status, JSON.stringify(job)).to.equal("succeeded");
      // Only the two documents went up with the batch: the picture was already there.
      expect(job.progress.ipfs.files).to.equal(2);
      await stack.sync();
      const { status, body } = await stack.call<{
        metadata: {
          verified: boolean;
          document: { image: string; passport: { images: { uri: string; mediaType: string }[] } };
        };
      }>("GET", `/v1/certificates/${job.receipt[0].tokenId}`);
      expect(status).to.equal(200);
      expect(body.metadata.verified).to.equal(true);
      expect(body.metadata.document.image).to.equal(upload.body.uri);
      expect(body.metadata.document.passport.images[0]).to.include({
        uri: upload.body.uri,
        mediaType: "image/png",
      });
    });

    it("accepts a row naming a CID this store serves but has not pinned, and pins it", async function () {
      // Added by another tool without a pin: the verifier can serve it, and keeps it once it names it.
      const cid = await stack.metadataStore.addBytes(largePng(2_500, 17));
      expect(await stack.metadataStore.isPinned(cid)).to.equal(false);
      const rows = manifestRows(1, "UNPINNED").map((row) => ({ ...row, images: `ipfs://${cid.toString()}` }));
      const created = await stack.call<{ location: string }>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body: { rows },
        headers: { "idempotency-key": "media-unpinned-0001" },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(202);
      expect(await stack.metadataStore.isPinned(cid)).to.equal(true);
      const job = (await waitForJob(stack, key, created.body.location)) as { status: string };
      expect(job.status, JSON.stringify(job)).to.equal("succeeded");
    });

    it("refuses a row naming a CID this store does not hold with 422 and its row number, creating no job", async function () {
      const absent = await cidOf(largePng(3_000, 42));
      const rows = manifestRows(3, "MISSING").map((row, i) => ({
        ...row,
        images: i === 1 ? `ipfs://${absent.toString()}` : row.images,
      }));
      const upload = await stack.upload<MediaAnswer>(ROUTE, PNG, { key, contentType: "image/png" });
      rows[0].images = upload.body.uri;
      rows[2].images = upload.body.uri;
      const jobs = await stack.issuer.service.mintJobs.count();
      const block = await ethers.provider.getBlockNumber();
      const { status, body } = await stack.call<Problem>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body: { rows },
        headers: { "idempotency-key": "media-missing-0001" },
      });
      expect(status).to.equal(422);
      expect(body.type).to.equal(`${PROBLEMS}invalid-manifest`);
      expect(body.errors).to.have.length(1);
      expect(body.errors![0].path).to.equal("row 2.images");
      expect(body.errors![0].message).to.include("is not on this verifier's IPFS store");
      expect(await stack.issuer.service.mintJobs.count()).to.equal(jobs);
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });

    it("refuses an ipfs:// entry that is not a bare CID with 422 naming the row", async function () {
      const rows = manifestRows(1, "BADURI").map((row) => ({ ...row, images: "ipfs://not-a-cid" }));
      const { status, body } = await stack.call<Problem>("POST", "/v1/issuer/brands/1/mint-jobs", {
        key,
        body: { rows },
        headers: { "idempotency-key": "media-bad-uri-0001" },
      });
      expect(status).to.equal(422);
      expect(body.errors!.map((e) => e.path)).to.deep.equal(["row 1.images"]);
    });
  });
});
