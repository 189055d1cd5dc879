/**
 * The commands a brand needs to see and set up who may do what: `brand list|show|pause|unpause`,
 * `role list`, `vault approve`, and `status` without a subcommand, which says for each brand which
 * issuer API scopes the server's key can actually carry out, and what it lacks.
 */
import path from "node:path";
import type { Command } from "commander";
import { getAddress } from "ethers";
import {
  brandRoleHolders,
  scopeAbilities,
  setBrandPaused,
  setVaultApproval,
} from "../../server/issuer/brand-access.js";
import { readKeystoreAddress } from "../../server/issuer/keystore.js";
import type { HallmarkContracts } from "../../server/issuer/contracts.js";
import { UsageError } from "./exit-codes.js";
import { addressArg, brandIdArg, log, out, reportOutcome } from "./io.js";
import type { CliRuntime } from "./runtime.js";
import { backupReport, describeBackup } from "./backup-status.js";

type Runtime = (command: Command) => CliRuntime;

async function brandIds(contracts: HallmarkContracts, only?: number): Promise<number[]> {
  const count = Number(await contracts.registry.brandCount());
  if (only !== undefined) {
    if (only > count) throw new UsageError(`There is no brand ${only} (the registry has ${count})`);
    return [only];
  }
  return Array.from({ length: count }, (_, i) => i + 1);
}

async function describeBrand(contracts: HallmarkContracts, brandId: number) {
  const brand = await contracts.registry.brand(brandId);
  return {
    brandId,
    name: brand.name,
    metadataURI: brand.metadataURI,
    vault: getAddress(brand.vault),
    royaltyReceiver: getAddress(brand.royaltyReceiver),
    royaltyBps: Number(brand.royaltyBps),
    paused: brand.paused,
  };
}

/**
 * The key the server signs with for a brand: the verifier's own answer (the key its claim relay and
 * issuer API use), else the keystore HALLMARK_ISSUER_KEYSTORES names for it.
 */
async function serverKeyOf(r: CliRuntime, brandId: number): Promise<{ key: string | null; source: string }> {
  const url = `${r.publicUrl.replace(/\/+$/, "")}/v1/claims/relays/${brandId}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    if (response.ok) {
      const body = (await response.json()) as { relayer: string | null };
      if (body.relayer !== null)
        return { key: getAddress(body.relayer), source: `the verifier ${r.publicUrl}` };
      return { key: null, source: `the verifier ${r.publicUrl} holds no key for brand ${brandId}` };
    }
  } catch {
    // Not reachable: fall back to the configuration this shell has.
  }
  const keystores = process.env.HALLMARK_ISSUER_KEYSTORES;
  if (keystores?.trim()) {
    const entry = (JSON.parse(keystores) as Record<string, { keystore?: string }>)[String(brandId)];
    if (entry?.keystore !== undefined)
      return {
        key: getAddress(await readKeystoreAddress(path.resolve(entry.keystore))),
        source: `HALLMARK_ISSUER_KEYSTORES (${entry.keystore})`,
      };
  }
  return {
    key: null,
    source: `neither the verifier ${r.publicUrl} (unreachable) nor HALLMARK_ISSUER_KEYSTORES names one`,
  };
}

export function registerAdminCommands(
  commands: { program: Command; brand: Command; role: Command; status: Command },
  rt: Runtime,
): void {
  const { program, brand, role, status } = commands;

  brand
    .command("list")
    .description("every registered brand: id, name, vault, paused")
    .action(async (_opts, command: Command) => {
      const contracts = await rt(command).contracts();
      const brands = [];
      for (const id of await brandIds(contracts)) brands.push(await describeBrand(contracts, id));
      for (const b of brands) log(`${b.brandId}  ${b.name}${b.paused ? "  (paused)" : ""}  vault ${b.vault}`);
      out(brands);
    });

  brand
    .command("show")
    .description("one brand: settings and who holds each role")
    .requiredOption("--brand <id>", "brand id", brandIdArg)
    .action(async (opts: { brand: number }, command: Command) => {
      const contracts = await rt(command).contracts();
      await brandIds(contracts, opts.brand);
      out({
        ...(await describeBrand(contracts, opts.brand)),
        roles: await brandRoleHolders(contracts, opts.brand),
      });
    });

  for (const paused of [true, false]) {
    const sub = brand
      .command(paused ? "pause" : "unpause")
      .description(
        paused
          ? "pause a brand: nothing is minted or recorded for it until unpaused (brand admin or group admin)"
          : "unpause a brand (brand admin or group admin)",
      )
      .requiredOption("--brand <id>", "brand id", brandIdArg)
      .option("--dry-run", "estimate gas and cost without sending");
    if (paused) sub.requiredOption("--reason <text>", "public reason");
    sub.action(async (opts: { brand: number; reason?: string; dryRun?: boolean }, command: Command) => {
      const r = rt(command);
      const outcome = await setBrandPaused({
        contracts: await r.contracts(),
        signer: await r.signer(),
        brandId: opts.brand,
        paused,
        reason: opts.reason,
        dryRun: opts.dryRun,
      });
      reportOutcome(paused ? "pauseBrand" : "unpauseBrand", outcome, { brandId: opts.brand });
    });
  }

  role
    .command("list")
    .description("who holds each role of a brand")
    .requiredOption("--brand <id>", "brand id", brandIdArg)
    .action(async (opts: { brand: number }, command: Command) => {
      const contracts = await rt(command).contracts();
      await brandIds(contracts, opts.brand);
      const holders = await brandRoleHolders(contracts, opts.brand);
      for (const h of holders) log(`${h.role.padEnd(15)} ${h.account}`);
      out(holders);
    });

  program
    .command("vault")
    .description("the brand vault's approvals")
    .command("approve")
    .description(
      "approve an operator (the server's key) for every certificate the vault holds, so it can set claim codes (signed by the vault)",
    )
    .requiredOption("--brand <id>", "brand id (checks the signer is its vault)", brandIdArg)
    .requiredOption("--operator <address>", "the key to approve", addressArg)
    .option("--revoke", "withdraw the approval instead")
    .option("--dry-run", "estimate gas and cost without sending")
    .action(
      async (
        opts: { brand: number; operator: string; revoke?: boolean; dryRun?: boolean },
        command: Command,
      ) => {
        const r = rt(command);
        const contracts = await r.contracts();
        const signer = await r.signer();
        const vault = getAddress((await contracts.registry.brand(opts.brand)).vault);
        const me = getAddress(await signer.getAddress());
        if (me !== vault)
          throw new UsageError(
            `${me} is not brand ${opts.brand}'s vault (${vault}): sign with the vault's keystore`,
          );
        const outcome = await setVaultApproval({
          contracts,
          signer,
          operator: opts.operator,
          approved: !opts.revoke,
          dryRun: opts.dryRun,
        });
        reportOutcome("setApprovalForAll", outcome, {
          brandId: opts.brand,
          vault,
          operator: opts.operator,
          approved: !opts.revoke,
        });
      },
    );

  // `hallmark status` alone: the report. `hallmark status stolen|revoke|restore` change a certificate.
  status
    .option("--brand <id>", "only this brand", brandIdArg)
    .option("--key <address>", "check this key instead of the server's", addressArg)
    .option("--backup", "report the backup copy (HALLMARK_BACKUP_IPFS): replicated and missing roots")
    .option("--retry", "with --backup: try the missing copies again first")
    .action(
      async (opts: { brand?: number; key?: string; backup?: boolean; retry?: boolean }, command: Command) => {
        const r = rt(command);
        if (opts.backup === true) {
          const report = await backupReport(r, { retry: opts.retry });
          if (report === null) throw new UsageError("No backup copy is configured (HALLMARK_BACKUP_IPFS)");
          for (const line of describeBackup(report)) log(line);
          return out(report);
        }
        const contracts = await r.contracts();
        const report = [];
        for (const id of await brandIds(contracts, opts.brand)) {
          const described = await describeBrand(contracts, id);
          const server =
            opts.key !== undefined ? { key: opts.key, source: "--key" } : await serverKeyOf(r, id);
          log(`brand ${id} ${described.name}${described.paused ? " (paused)" : ""}`);
          if (server.key === null) {
            log(`  no server key: ${server.source}; every issuer API scope answers 503 for this brand`);
            report.push({ ...described, serverKey: null, keySource: server.source, scopes: [] });
            continue;
          }
          log(`  server key ${server.key} (from ${server.source})`);
          const scopes = await scopeAbilities(contracts, id, server.key);
          for (const s of scopes) {
            const partly = !s.able && s.can.length > 0 ? ` (only ${s.can.join(", ")})` : "";
            log(`  ${s.able ? "yes" : "no "} ${s.scope}${partly}`);
            for (const why of s.missing) log(`        ${why}`);
          }
          report.push({ ...described, serverKey: server.key, keySource: server.source, scopes });
        }
        const backup = await backupReport(r, {});
        if (backup !== null) log(`${describeBackup(backup)[0]} (hallmark status --backup lists them)`);
        out(report);
      },
    );
}
