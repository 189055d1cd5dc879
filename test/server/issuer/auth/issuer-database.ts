import { expect } from "chai";
import { AuthenticationError, NotFoundError } from "../../../../server/errors.js";
import { openSqliteIssuerDatabase } from "../../../../server/issuer/auth/issuer-database.js";
import type { IssuerDatabase } from "../../../../server/issuer/auth/issuer-database.js";
import { openDatabase } from "../../../../server/store/postgres/database.js";
import { postgresIssuerDatabase } from "../../../../server/store/postgres/issuer-records.js";
import { createThrowawayDatabase } from "../../store/postgres/throwaway-database.js";
import type { ThrowawayDatabase } from "../../store/postgres/throwaway-database.js";

async function authenticationError(
  attempt: Promise<unknown>,
): Promise<AuthenticationError & { keyId?: string }> {
  const error = await attempt.then(
    () => expect.fail("expected an AuthenticationError"),
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(AuthenticationError);
  return error as AuthenticationError & { keyId?: string };
}

/**
 * API keys and the audit trail, as every issuer database keeps them (issuer.sqlite, PostgreSQL).
 * `open` gives an empty database each time; `brand` numbers keep a shared database's tests apart.
 */
function shouldBehaveLikeAnIssuerDatabase(open: () => Promise<IssuerDatabase>): void {
  let database: IssuerDatabase;
  let brand = 100;

  beforeEach(async function () {
    database = await open();
    brand++;
  });
  afterEach(async function () {
    await database.close();
  });

  describe("API keys", function () {
    it("creates a key shown once, authenticates it, and stores nothing that gives it back", async function () {
      const created = await database.keys.create({
        brandId: brand,
        scopes: ["mint", "events", "mint"],
        label: "ERP",
      });
      expect(created.key).to.match(new RegExp(`^hmk_${created.id}_[0-9a-f]{64}$`));
      expect(created).to.include({ brandId: brand, label: "ERP", revokedAt: null, lastUsedAt: null });
      expect(created.scopes).to.deep.equal(["mint", "events"]);
      const key = await database.keys.authenticate(`Bearer ${created.key}`);
      const { key: _secret, ...stored } = created;
      expect(key).to.deep.equal(stored);
      expect(JSON.stringify(await database.keys.list(brand))).to.not.include(created.key.split("_")[2]);
    });

    it("refuses a missing, malformed, unknown or wrong key with 401, naming a well-formed key's id", async function () {
      const created = await database.keys.create({ brandId: brand, scopes: ["mint"] });
      expect((await authenticationError(database.keys.authenticate(undefined))).message).to.match(
        /API key is required/,
      );
      expect((await authenticationError(database.keys.authenticate("Basic abc"))).challenge).to.include(
        'error="invalid_request"',
      );
      const wrong = `Bearer ${created.key.slice(0, -1)}${created.key.endsWith("0") ? "1" : "0"}`;
      const refused = await authenticationError(database.keys.authenticate(wrong));
      expect(refused.message).to.equal("Unknown or wrong API key");
      expect(refused.keyId).to.equal(created.id);
      const unknown = await authenticationError(
        database.keys.authenticate(`Bearer hmk_${"0".repeat(16)}_${"0".repeat(64)}`),
      );
      expect(unknown.message).to.equal("Unknown or wrong API key");
    });

    it("revokes a key at once and idempotently; an unknown id is 404", async function () {
      const created = await database.keys.create({ brandId: brand, scopes: ["status"] });
      const revoked = await database.keys.revoke(created.id);
      expect(revoked.revokedAt).to.be.a("string");
      expect((await database.keys.revoke(created.id)).revokedAt).to.equal(revoked.revokedAt);
      expect(
        (await authenticationError(database.keys.authenticate(`Bearer ${created.key}`))).message,
      ).to.equal("This API key was revoked");
      const missing = await database.keys.revoke("0".repeat(16)).catch((error: unknown) => error);
      expect(missing).to.be.instanceOf(NotFoundError);
    });

    it("lists a brand's keys oldest first, and marks a key used", async function () {
      const first = await database.keys.create({ brandId: brand, scopes: ["mint"], label: "first" });
      await new Promise((resolve) => setTimeout(resolve, 5)); // keys made in one millisecond are ordered by id
      const second = await database.keys.create({ brandId: brand, scopes: ["events"], label: "second" });
      await database.keys.create({ brandId: brand + 10_000, scopes: ["events"], label: "other brand" });
      expect((await database.keys.list(brand)).map((key) => key.label)).to.deep.equal(["first", "second"]);
      const used = await database.keys.markUsed(await database.keys.authenticate(`Bearer ${second.key}`));
      const listed = await database.keys.list(brand);
      expect(listed.find((key) => key.id === second.id)?.lastUsedAt).to.equal(used.lastUsedAt);
      expect(listed.find((key) => key.id === first.id)?.lastUsedAt).to.equal(null);
      expect(new Date(used.lastUsedAt!).toISOString()).to.equal(used.lastUsedAt);
    });
  });

  describe("audit trail", function () {
    it("lists a brand's rows newest first, page by page, and counts every row", async function () {
      const before = await database.audit.count();
      for (let n = 1; n <= 5; n++) {
        await database.audit.record({
          keyId: "00000000000000aa",
          brandId: brand,
          action: `act.${n}`,
          target: `t${n}`,
          status: 200,
          outcome: "ok",
          detail: null,
        });
      }
      await database.audit.record({
        keyId: null,
        brandId: null,
        action: "GET /v1/issuer/audit",
        target: null,
        status: 401,
        outcome: "refused",
        detail: "unauthenticated",
      });
      expect(await database.audit.count()).to.equal(before + 6);
      const page = await database.audit.list(brand, { limit: 3 });
      expect(page.map((row) => row.action)).to.deep.equal(["act.5", "act.4", "act.3"]);
      expect(page[0]).to.include({
        keyId: "00000000000000aa",
        brandId: brand,
        target: "t5",
        status: 200,
        outcome: "ok",
        detail: null,
      });
      expect(new Date(page[0].at).toISOString()).to.equal(page[0].at);
      const next = await database.audit.list(brand, { limit: 3, before: page[2].id });
      expect(next.map((row) => row.action)).to.deep.equal(["act.2", "act.1"]);
    });

    it("bounds a page to 1..500 rows", async function () {
      for (let n = 1; n <= 2; n++) {
        await database.audit.record({
          keyId: null,
          brandId: brand,
          action: "a",
          target: null,
          status: 200,
          outcome: "ok",
          detail: null,
        });
      }
      expect(await database.audit.list(brand, { limit: 0 })).to.have.length(1);
      expect(await database.audit.list(brand)).to.have.length(2);
    });
  });
}

describe("IssuerDatabase (API keys and audit trail)", function () {
  describe("issuer.sqlite", function () {
    shouldBehaveLikeAnIssuerDatabase(() => Promise.resolve(openSqliteIssuerDatabase(":memory:")));
  });

  describe("PostgreSQL", function () {
    let database: ThrowawayDatabase;

    before(async function () {
      database = await createThrowawayDatabase();
    });
    after(async function () {
      await database?.drop();
    });

    shouldBehaveLikeAnIssuerDatabase(() => Promise.resolve(postgresIssuerDatabase(database.pool)));

    it("authenticates on one verifier a key made on another, and refuses it everywhere once revoked", async function () {
      const poolB = await openDatabase(database.url, { variable: "HALLMARK_TEST_DATABASE_URL" });
      try {
        const onA = postgresIssuerDatabase(database.pool);
        const onB = postgresIssuerDatabase(poolB);
        const created = await onA.keys.create({ brandId: 7, scopes: ["mint"] });
        expect((await onB.keys.authenticate(`Bearer ${created.key}`)).id).to.equal(created.id);
        await onB.keys.revoke(created.id);
        expect((await authenticationError(onA.keys.authenticate(`Bearer ${created.key}`))).message).to.equal(
          "This API key was revoked",
        );
        await onB.audit.record({
          keyId: created.id,
          brandId: 7,
          action: "mint-job.create",
          target: null,
          status: 202,
          outcome: "ok",
          detail: null,
        });
        expect((await onA.audit.list(7))[0]).to.include({ keyId: created.id, action: "mint-job.create" });
      } finally {
        await poolB.end();
      }
    });
  });
});
