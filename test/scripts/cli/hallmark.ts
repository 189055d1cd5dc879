import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";
import type { Wallet } from "ethers";
import { claimKeyOf, parseClaimCode } from "../../../server/chain/claim-code.js";
import { certificateDomain, signTypedMessage } from "../../../server/chain/eip712.js";
import { readReceipt } from "../../../server/issuer/receipt.js";
import { makeTempDir } from "../../server/support/temp-dir.js";
import { generateCatalogue } from "../support/catalogue-fixture.js";
import type { GeneratedCatalogue } from "../support/catalogue-fixture.js";
import { startLocalChain } from "../support/local-chain.js";
import type { LocalChain } from "../support/local-chain.js";
import { runCli } from "../support/run-cli.js";

/** The claim key a code yields (server/chain/claim-code.ts). */
function claimKeyOfCode(code: string): Wallet {
  const parsed = parseClaimCode(code);
  if (!parsed.ok) throw new Error(`not a claim code: ${parsed.problem}`);
  return claimKeyOf(parsed);
}

const PASSWORD = "correct horse battery";
describe("hallmark CLI (subprocess against a JSON-RPC chain)", function () {
  let dir: { path: string; remove: () => Promise<void> };
  let chain: LocalChain;
  let catalogue: GeneratedCatalogue;
  let issuerKeystore: string;
  let vaultKeystore: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    dir = await makeTempDir("cli");
    chain = await startLocalChain(dir.path);
    catalogue = await generateCatalogue(path.join(dir.path, "catalogue"), 200);
    issuerKeystore = path.join(dir.path, "issuer.json");
    vaultKeystore = path.join(dir.path, "vault.json");
    await chain.keystore("issuer", issuerKeystore, PASSWORD);
    await chain.keystore("vault", vaultKeystore, PASSWORD);
    env = {
      HALLMARK_RPC_URL: chain.url,
      HALLMARK_DEPLOYMENTS: chain.deploymentsFile,
      HALLMARK_DATA_DIR: dir.path,
      HALLMARK_KEYSTORE_PASSWORD: PASSWORD,
      HALLMARK_POLL_INTERVAL_MS: "50",
      HALLMARK_PUBLIC_URL: "https://verify.example",
    };
  });

  after(async function () {
    await chain?.close();
    await dir?.remove();
  });

  async function issuedCount(): Promise<number> {
    const { certificate } = chain.contracts;
    return (await certificate.queryFilter(certificate.filters.CertificateIssued())).length;
  }

  describe("mint certificates", function () {
    describe("when the manifest has errors", function () {
      it("reports every problem with its row number and field, exits 65 and sends nothing", async function () {
        const manifest = path.join(dir.path, "bad.csv");
        await writeFile(
          manifest,
          [
            "serial,productName,modelReference,materials,manufactureCountry,manufactureDate,care,images",
            "OK-1,Bag,R1,Calfskin:100,IT,2024-03,Keep dry,MT-2025-00001.svg",
            "BAD-2,Bag,R1,Calfskin:80,IT,2024-13-01,Keep dry,missing.svg",
            "OK-1,,R1,Calfskin:100,it,2024-01,Keep dry,MT-2025-00002.svg",
          ].join("\n"),
        );
        const block = await chain.provider.getBlockNumber();
        const result = await runCli(
          [
            "mint",
            "certificates",
            "--brand",
            "1",
            "--manifest",
            manifest,
            "--media",
            catalogue.media,
            "--keystore",
            issuerKeystore,
          ],
          env,
        );
        expect(result.code).to.equal(65);
        expect(result.stderr).to.contain("nothing was uploaded or sent");
        expect(result.stderr).to.not.contain("validated");
        expect(result.stderr).to.match(
          /row 2 \[BAD-2\]: materials \(passport\.materials\.0\.percentage\): shares of part "main" add up to 80%/,
        );
        expect(result.stderr).to.match(/row 2 \[BAD-2\]: images: "missing\.svg" was not found/);
        expect(result.stderr).to.match(/row 2 \[BAD-2\]: manufactureDate .*must be YYYY-MM or YYYY-MM-DD/);
        expect(result.stderr).to.match(/row 3 \[OK-1\]: serial: duplicates row 1/);
        expect(result.stderr).to.match(/row 3 \[OK-1\]: productName .*is required/);
        expect(result.stderr).to.match(/row 3 \[OK-1\]: manufactureCountry .*ISO 3166-1/);
        expect(await chain.provider.getBlockNumber()).to.equal(block);
        expect((await readReceipt(path.join(dir.path, "bad.receipt.jsonl"))).size).to.equal(0);
      });

      it("reports the rows' errors before asking for the key, even with a wrong keystore password", async function () {
        const manifest = path.join(dir.path, "bad-before-key.csv");
        await writeFile(
          manifest,
          [
            "serial,productName,modelReference,materials,manufactureCountry,manufactureDate,care,images",
            "KEY-1,Bag,R1,Calfskin:100,IT,2024-03,Keep dry,MT-2025-00001.svg",
            "KEY-2,Bag,R1,Calfskin:70,IT,2024-03,Keep dry,MT-2025-00002.svg",
          ].join("\n"),
        );
        const args = [
          "mint",
          "certificates",
          "--brand",
          "1",
          "--manifest",
          manifest,
          "--media",
          catalogue.media,
          "--keystore",
          issuerKeystore,
        ];
        const result = await runCli(args, { ...env, HALLMARK_KEYSTORE_PASSWORD: "not the password" });
        expect(result.code).to.equal(65);
        expect(result.stderr).to.match(/row 2 \[KEY-2\]: materials .*add up to 70%/);
        expect(result.stderr).to.not.match(/password/i);
      });

      it("still refuses a wrong keystore password once the manifest is valid, sending nothing", async function () {
        const manifest = path.join(dir.path, "good-wrong-key.csv");
        await writeFile(
          manifest,
          [
            "serial,productName,modelReference,materials,manufactureCountry,manufactureDate,care,images",
            "WRONGKEY-1,Bag,R1,Calfskin:100,IT,2024-03,Keep dry,MT-2025-00001.svg",
          ].join("\n"),
        );
        const block = await chain.provider.getBlockNumber();
        const args = [
          "mint",
          "certificates",
          "--brand",
          "1",
          "--manifest",
          manifest,
          "--media",
          catalogue.media,
          "--keystore",
          issuerKeystore,
        ];
        const result = await runCli(args, { ...env, HALLMARK_KEYSTORE_PASSWORD: "not the password" });
        expect(result.code).to.equal(77);
        expect(result.stderr).to.match(/password/i);
        expect(await chain.provider.getBlockNumber()).to.equal(block);
      });
    });

    describe("when killed after its first confirmed batch and run again", function () {
      it("finishes the remaining rows and mints none twice (200 CertificateIssued events, 200 receipt rows)", async function () {
        const args = [
          "mint",
          "certificates",
          "--brand",
          "1",
          "--manifest",
          catalogue.manifest,
          "--media",
          catalogue.media,
          "--keystore",
          issuerKeystore,
          "--batch-size",
          "40",
        ];
        let stalled = false;
        const first = await runCli(args, env, (line, child) => {
          if (stalled || !/batch 1 confirmed/.test(line)) return;
          stalled = true;
          // Stop mining: the next batch is sent and sits unconfirmed in the mempool when the
          // process dies, the worst moment (on-chain soon, never in the receipt).
          void chain
            .rpc("evm_setAutomine", [false])
            .then(() => setTimeout(() => child.kill("SIGKILL"), 1_500));
        });
        expect(first.signal).to.equal("SIGKILL");
        await chain.rpc("evm_mine");
        await chain.rpc("evm_setAutomine", [true]);
        const receiptFile = catalogue.manifest.replace(/\.csv$/, ".receipt.jsonl");
        const afterKill = (await readReceipt(receiptFile)).size;
        expect(afterKill).to.be.at.least(40).and.below(200);
        const onChainAfterKill = await issuedCount();
        expect(onChainAfterKill).to.be.above(afterKill); // the batch in flight was mined after the kill

        const second = await runCli(args, env);
        expect(second.code, second.stderr).to.equal(0);
        const summary = JSON.parse(second.stdout) as {
          alreadyInReceipt: number;
          foundOnChain: number;
          minted: number;
        };
        expect(summary.alreadyInReceipt).to.equal(afterKill);
        expect(summary.foundOnChain).to.equal(onChainAfterKill - afterKill);
        expect(summary.minted).to.equal(200 - onChainAfterKill);

        expect(await issuedCount()).to.equal(200);
        const receipt = await readReceipt(receiptFile);
        expect(receipt.size).to.equal(200);
        expect(new Set([...receipt.values()].map((entry) => entry.tokenId)).size).to.equal(200);
        const vault = chain.address("vault");
        expect(await chain.contracts.certificate.balanceOf(vault)).to.equal(200n);

        const third = await runCli(args, env);
        expect(third.code).to.equal(0);
        expect(JSON.parse(third.stdout)).to.include({ alreadyInReceipt: 200, minted: 0 });
        expect(await issuedCount()).to.equal(200);
      });
    });
  });

  describe("claim-codes", function () {
    describe("when the vault sets codes for minted certificates", function () {
      it("writes a QR sheet and a CSV, never prints a code, and a code then claims its certificate on-chain", async function () {
        const receipt = [
          ...(await readReceipt(catalogue.manifest.replace(/\.csv$/, ".receipt.jsonl"))).values(),
        ];
        const tokens = receipt.slice(0, 3).map((entry) => entry.tokenId);
        const outDir = path.join(dir.path, "codes");
        const receiptFile = catalogue.manifest.replace(/\.csv$/, ".receipt.jsonl");
        const result = await runCli(
          [
            "claim-codes",
            "--brand",
            "1",
            "--tokens",
            tokens.join(","),
            "--receipt",
            receiptFile,
            "--out",
            outDir,
            "--keystore",
            vaultKeystore,
            // https://verify.example cannot be asked whether it relays the brand's claims.
            "--yes",
          ],
          env,
        );
        expect(result.code, result.stderr).to.equal(0);
        expect(result.stderr).to.contain("cannot be reached");

        const csv = (await readFile(path.join(outDir, "claim-codes.csv"), "utf8")).trim().split("\n");
        expect(csv[0]).to.equal("tokenId,serial,productName,claimUrl,code,claimKey,txHash");
        expect(csv).to.have.length(4);
        const [tokenId, , , claimUrl, code, claimKey] = csv[1].split(",");
        expect(claimUrl).to.equal(`https://verify.example/claim/${tokenId}#code=${code}`);
        expect(code).to.match(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
        expect(claimKeyOfCode(code).address).to.equal(claimKey);
        expect(result.stdout + result.stderr).not.to.contain(code);

        const sheet = await readFile(path.join(outDir, "claim-codes.html"), "utf8");
        expect(sheet.match(/<svg /g)).to.have.length(3);
        expect(sheet).to.contain("Sac Aurelle 30");

        const { certificate } = chain.contracts;
        const [storedKey, nonce] = await certificate.claimStateOf(tokenId);
        expect(storedKey).to.equal(claimKey);
        const buyer = chain.signer("buyer");
        const buyerAddress = chain.address("buyer");
        const deadline = BigInt(Math.floor(Date.now() / 1000) + 3_600);
        const { chainId } = await chain.provider.getNetwork();
        const signature = await signTypedMessage(
          claimKeyOfCode(code),
          "Claim",
          certificateDomain(chainId, await certificate.getAddress()),
          { tokenId, recipient: buyerAddress, nonce, deadline },
        );
        await (
          await certificate.connect(buyer).claimWithCode(tokenId, buyerAddress, deadline, signature)
        ).wait();
        expect(await certificate.ownerOf(tokenId)).to.equal(buyerAddress);
      });
    });
  });

  describe("brands and roles", function () {
    let brandAdminKeystore: string;
    before(async function () {
      brandAdminKeystore = path.join(dir.path, "brand-admin.json");
      await chain.keystore("brandAdmin", brandAdminKeystore, PASSWORD);
    });

    it("brand list names every registered brand with its vault", async function () {
      const result = await runCli(["brand", "list"], env);
      expect(result.code, result.stderr).to.equal(0);
      const brands = JSON.parse(result.stdout) as { brandId: number; name: string; vault: string }[];
      expect(brands).to.have.length(1);
      expect(brands[0]).to.include({ brandId: 1, name: "Maison Test", vault: chain.address("vault") });
    });

    it("role list (and brand show) name who holds each role of the brand, by role name", async function () {
      const result = await runCli(["role", "list", "--brand", "1"], env);
      expect(result.code, result.stderr).to.equal(0);
      expect(JSON.parse(result.stdout)).to.deep.equal([
        { role: "brand-admin", account: chain.address("brandAdmin") },
        { role: "issuer", account: chain.address("issuer") },
        { role: "resale-partner", account: chain.address("partner") },
      ]);
      const shown = await runCli(["brand", "show", "--brand", "1"], env);
      expect((JSON.parse(shown.stdout) as { roles: unknown[] }).roles).to.have.length(3);
    });

    describe("when a key without the brand-admin role grants a role", function () {
      it("exits 77 naming the missing role by name, and sends nothing", async function () {
        const block = await chain.provider.getBlockNumber();
        const result = await runCli(
          [
            "role",
            "grant",
            "--brand",
            "1",
            "--role",
            "repairer",
            "--account",
            chain.address("buyer"),
            "--keystore",
            issuerKeystore,
          ],
          env,
        );
        expect(result.code).to.equal(77);
        expect(result.stderr).to.contain(
          `HallmarkMissingBrandRole(1, BRAND_ADMIN_ROLE, ${chain.address("issuer")}): ${chain.address("issuer")} does not hold the brand-admin role of brand 1`,
        );
        expect(result.stderr).to.not.match(/0x[0-9a-f]{64}/);
        expect(await chain.provider.getBlockNumber()).to.equal(block);
      });
    });

    describe("status (the report) for the issuer's key", function () {
      it("says which scopes it can carry out and names what the others lack; vault approve fills one in", async function () {
        const scopes = async () => {
          const result = await runCli(["status", "--brand", "1", "--key", chain.address("issuer")], env);
          expect(result.code, result.stderr).to.equal(0);
          const [report] = JSON.parse(result.stdout) as {
            scopes: { scope: string; able: boolean; can: string[]; missing: string[] }[];
          }[];
          return Object.fromEntries(report.scopes.map((s) => [s.scope, s]));
        };
        const before = await scopes();
        expect(before.mint.able).to.equal(true);
        expect(before["claim-codes"].able).to.equal(false);
        expect(before["claim-codes"].missing[0]).to.contain(
          `hallmark vault approve --brand 1 --operator ${chain.address("issuer")}`,
        );
        expect(before.events.can).to.deep.equal(["sale"]);
        expect(before.events.missing.join(" ")).to.contain("repairer role (REPAIRER_ROLE)");
        expect(before.status.missing[0]).to.contain("brand-admin role (BRAND_ADMIN_ROLE) of brand 1");

        const approve = await runCli(
          [
            "vault",
            "approve",
            "--brand",
            "1",
            "--operator",
            chain.address("issuer"),
            "--keystore",
            vaultKeystore,
          ],
          env,
        );
        expect(approve.code, approve.stderr).to.equal(0);
        expect(
          await chain.contracts.certificate.isApprovedForAll(chain.address("vault"), chain.address("issuer")),
        ).to.be.true;
        expect((await scopes())["claim-codes"].able).to.equal(true);
      });
    });

    describe("when vault approve is signed by a key that is not the vault", function () {
      it("exits 64 naming the vault, sending nothing", async function () {
        const result = await runCli(
          [
            "vault",
            "approve",
            "--brand",
            "1",
            "--operator",
            chain.address("partner"),
            "--keystore",
            issuerKeystore,
          ],
          env,
        );
        expect(result.code).to.equal(64);
        expect(result.stderr).to.contain(`is not brand 1's vault (${chain.address("vault")})`);
      });
    });

    it("brand pause and unpause, by the brand admin, show in brand show", async function () {
      const paused = await runCli(
        ["brand", "pause", "--brand", "1", "--reason", "test", "--keystore", brandAdminKeystore],
        env,
      );
      expect(paused.code, paused.stderr).to.equal(0);
      expect(await chain.contracts.registry.isBrandPaused(1)).to.equal(true);
      const unpaused = await runCli(
        ["brand", "unpause", "--brand", "1", "--keystore", brandAdminKeystore],
        env,
      );
      expect(unpaused.code, unpaused.stderr).to.equal(0);
      expect(await chain.contracts.registry.isBrandPaused(1)).to.equal(false);
    });
  });

  describe("claim-codes when the verifier the cards open cannot relay the brand's claims", function () {
    it("warns and, with nobody to confirm and no --yes, exits 1 having sent nothing", async function () {
      const receipt = [
        ...(await readReceipt(catalogue.manifest.replace(/\.csv$/, ".receipt.jsonl"))).values(),
      ];
      const block = await chain.provider.getBlockNumber();
      const result = await runCli(
        [
          "claim-codes",
          "--brand",
          "1",
          "--tokens",
          receipt[10].tokenId,
          "--out",
          path.join(dir.path, "no-relay"),
          "--keystore",
          vaultKeystore,
        ],
        { ...env, HALLMARK_PUBLIC_URL: "http://127.0.0.1:9" },
      );
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain("warning: the verifier http://127.0.0.1:9 cannot be reached");
      expect(result.stderr).to.contain("pass --yes");
      expect(await chain.provider.getBlockNumber()).to.equal(block);
    });
  });

  describe("usage mistakes and keystore address", function () {
    it("an unknown option exits 64", async function () {
      expect((await runCli(["brand", "list", "--no-such-flag"], env)).code).to.equal(64);
    });

    it("keystore address prints the checksummed address, as create does", async function () {
      const result = await runCli(["keystore", "address", "--keystore", issuerKeystore], env);
      expect(result.code, result.stderr).to.equal(0);
      expect((JSON.parse(result.stdout) as { address: string }).address).to.equal(chain.address("issuer"));
    });

    it("a keystore file that does not exist exits 66", async function () {
      const result = await runCli(
        ["keystore", "address", "--keystore", path.join(dir.path, "none.json")],
        env,
      );
      expect(result.code).to.equal(66);
    });
  });

  describe("keystore", function () {
    describe("when the password is wrong", function () {
      it("refuses with a clear error and exits 77 (not permitted: retrying cannot help)", async function () {
        const result = await runCli(
          ["status", "stolen", "--token", "1", "--reason", "x", "--keystore", issuerKeystore],
          { ...env, HALLMARK_KEYSTORE_PASSWORD: "not the password" },
        );
        expect(result.code).to.equal(77);
        expect(result.stderr.trim()).to.equal(`error: Wrong password for the keystore ${issuerKeystore}`);
      });
    });
  });
});
