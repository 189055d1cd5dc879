/**
 * `hallmark`: the brand toolkit. Batch minting from a catalogue, claim codes, provenance events,
 * status changes, brands and roles, digital garments. The workflows live in server/issuer (shared
 * with the issuer API); this file only parses flags, asks for the keystore password and prints.
 * Progress and logs go to stderr, results to stdout. Exit codes: scripts/cli/exit-codes.ts (0 done,
 * 64 usage, 65 input refused, 66 file missing, 75 retry later, 77 not permitted, 70 unexpected).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { getAddress } from "ethers";
import { HallmarkError } from "../../server/errors.js";
import { CancelledError, EXIT, exitCodeOf, UsageError } from "./exit-codes.js";
import { promptSecret } from "./prompt.js";
import { registerAdminCommands } from "./admin-commands.js";
import { confirm } from "./prompt.js";
import { addressArg, brandIdArg, intArg, log, out, readJson, reportOutcome, tokenArg } from "./io.js";
import {
  addBrand,
  generateBrandSalt,
  loadBrandSerialSettings,
  publishBrandProfile,
  saveBrandSalt,
  setBrandProfile,
  setBrandRole,
} from "../../server/issuer/brands.js";
import { certificateTokenId } from "../../server/issuer/serials.js";
import { normaliseSerial } from "../../server/verification/serial-rule.js";
import { changeCertificateStatus, STATUS_ACTIONS } from "../../server/issuer/certificate-status.js";
import type { StatusAction } from "../../server/issuer/certificate-status.js";
import { issueClaimCodes, readClaimCodes, writeClaimSheet } from "../../server/issuer/claim-codes.js";
import type { ClaimCodeTarget } from "../../server/issuer/claim-codes.js";
import { BRAND_ROLES } from "../../server/issuer/contracts.js";
import { formatProblem, ManifestError } from "../../server/issuer/errors.js";
import { createGarmentDesign, signGarmentVoucher } from "../../server/issuer/garment-designs.js";
import { createKeystore, importDevKeystore, readKeystoreAddress } from "../../server/issuer/keystore.js";
import { manifestFormatOf, parseManifest } from "../../server/issuer/manifest.js";
import { mintCertificates } from "../../server/issuer/mint-certificates.js";
import { PROVENANCE_EVENT_KINDS, recordProvenanceEvent } from "../../server/issuer/provenance-events.js";
import type { ProvenanceEventKindName } from "../../server/issuer/provenance-events.js";
import { readReceipt } from "../../server/issuer/receipt.js";
import { brandOfToken } from "../../server/issuer/serials.js";
import { PARTNER_BRAND_ID } from "../../server/issuer/auth/api-keys.js";
import { parsePassportScopes } from "../../server/issuer/auth/scopes.js";
import { createPassportKeystore, decryptPassportKeystore } from "../../server/passport/passport-keystore.js";
import type { BrandPassportKeys } from "../../server/passport/passport-keystore.js";
import type { PassportScope } from "../../server/issuer/auth/scopes.js";
import type { ApiKeyStore } from "../../server/issuer/auth/api-keys.js";
import type { AuditLog } from "../../server/issuer/auth/audit-log.js";
import { issuerDatabasePath, openSqliteIssuerDatabase } from "../../server/issuer/auth/issuer-database.js";
import { openDatabase, requireSchemaVersion } from "../../server/store/postgres/database.js";
import { postgresIssuerDatabase } from "../../server/store/postgres/issuer-records.js";
import { ISSUER_SCOPES, parseScopes } from "../../server/issuer/auth/scopes.js";
import { createProgress } from "./progress.js";
import { registerTagCommands } from "./tags.js";
import { CliRuntime, describeEstimate } from "./runtime.js";
import type { GlobalOptions } from "./runtime.js";

const program = new Command();
program
  .name("hallmark")
  .description(
    "Hallmark brand toolkit: mint certificates from a catalogue, claim codes, provenance, garments",
  )
  .option("--rpc-url <url>", "JSON-RPC endpoint (HALLMARK_RPC_URL, default http://127.0.0.1:8545)")
  .option(
    "--deployments <file>",
    "deployments file (HALLMARK_DEPLOYMENTS, default .hallmark/deployments.json)",
  )
  .option(
    "--keystore <file>",
    "encrypted JSON keystore (HALLMARK_KEYSTORE); its password comes from HALLMARK_KEYSTORE_PASSWORD or a prompt",
  )
  .option(
    "--signer-module <file>",
    "signer hook module instead of a keystore (HALLMARK_SIGNER_MODULE); see docs/brands.md",
  )
  .showHelpAfterError()
  // Commander's own refusals (an unknown flag, a missing option) exit 64 like ours, not 1.
  .exitOverride();

let runtime: CliRuntime | undefined;
function rt(command: Command): CliRuntime {
  runtime ??= new CliRuntime(command.optsWithGlobals<GlobalOptions>());
  return runtime;
}

// ------------------------------------------------------------------------------------- keystore
const keystore = program.command("keystore").description("create or inspect the encrypted signing key");
keystore
  .command("create")
  .description("create a new random key in an encrypted keystore")
  .action(async (_opts, command: Command) => {
    const r = rt(command);
    const address = await createKeystore(r.keystorePath, await r.password(true));
    log(`created ${r.keystorePath}`);
    out({ keystore: r.keystorePath, address });
  });
keystore
  .command("import-dev")
  .description(
    "store Hardhat dev account N (the well-known test mnemonic) for the local chain only (chain id 31337)",
  )
  .requiredOption("--index <n>", "account index", intArg)
  .action(async (opts: { index: number }, command: Command) => {
    const r = rt(command);
    const { chainId } = await r.chain().getNetwork();
    const address = await importDevKeystore(r.keystorePath, await r.password(true), opts.index, chainId);
    log(`imported dev account ${opts.index} into ${r.keystorePath}`);
    out({ keystore: r.keystorePath, address });
  });
keystore
  .command("address")
  .description("print the keystore's address (no password needed)")
  .action(async (_opts, command: Command) => {
    const r = rt(command);
    // Checksummed, as `keystore create` prints it.
    out({ keystore: r.keystorePath, address: getAddress(await readKeystoreAddress(r.keystorePath)) });
  });

// ---------------------------------------------------------------------------------------- brand
const brand = program.command("brand").description("brands of the group (group admin)");
brand
  .command("add")
  .description("register a brand and generate its secret serial salt")
  .requiredOption("--name <name>", "brand name")
  .requiredOption("--admin <address>", "brand admin", addressArg)
  .requiredOption("--vault <address>", "custody vault for unclaimed certificates", addressArg)
  .option("--royalty-receiver <address>", "EIP-2981 receiver (default: the admin)", addressArg)
  .option("--royalty-bps <n>", "royalty in basis points", intArg, 0)
  .option("--metadata-uri <uri>", "brand metadata URI", "")
  .option(
    "--profile <file.json>",
    "public profile with contact details (hallmark.brand-profile.v1), published to IPFS as the metadata URI",
  )
  .option("--dry-run", "estimate gas and cost without sending")
  .action(
    async (
      opts: {
        name: string;
        admin: string;
        vault: string;
        royaltyReceiver?: string;
        royaltyBps: number;
        metadataUri: string;
        profile?: string;
        dryRun?: boolean;
      },
      command: Command,
    ) => {
      const r = rt(command);
      const signer = await r.signer();
      const metadataURI =
        opts.profile === undefined
          ? opts.metadataUri
          : await publishBrandProfile(await r.metadataStore(), await readJson(opts.profile));
      const result = await addBrand({
        contracts: await r.contracts(),
        signer,
        name: opts.name,
        metadataURI,
        admin: opts.admin,
        vault: opts.vault,
        royaltyReceiver: opts.royaltyReceiver,
        royaltyBps: opts.royaltyBps,
        dryRun: opts.dryRun,
      });
      if (result.brandId !== undefined) {
        await saveBrandSalt(r.saltsFile, result.brandId, generateBrandSalt());
        log(
          `brand ${result.brandId} registered; its serial salt is in ${r.saltsFile} (keep it secret, give it to your verifier)`,
        );
      }
      reportOutcome("registerBrand", result.outcome, {
        brandId: result.brandId,
        saltsFile: result.brandId !== undefined ? r.saltsFile : undefined,
      });
    },
  );

brand
  .command("profile")
  .description(
    "publish the brand's public profile (contact details shown to customers) and point the registry at it",
  )
  .requiredOption("--brand <id>", "brand id", brandIdArg)
  .requiredOption("--profile <file.json>", "profile document (hallmark.brand-profile.v1)")
  .option("--dry-run", "estimate gas and cost without sending")
  .action(async (opts: { brand: number; profile: string; dryRun?: boolean }, command: Command) => {
    const r = rt(command);
    const result = await setBrandProfile({
      contracts: await r.contracts(),
      signer: await r.signer(),
      store: await r.metadataStore(),
      brandId: opts.brand,
      profile: await readJson(opts.profile),
      dryRun: opts.dryRun,
    });
    reportOutcome("updateBrand", result.outcome, { metadataURI: result.metadataURI });
  });

// ----------------------------------------------------------------------------------------- role
const role = program.command("role").description(`per-brand roles (${Object.keys(BRAND_ROLES).join(", ")})`);
for (const grant of [true, false]) {
  role
    .command(grant ? "grant" : "revoke")
    .description(`${grant ? "grant" : "revoke"} a brand role`)
    .requiredOption("--brand <id>", "brand id", brandIdArg)
    .addOption(new Option("--role <role>", "role").choices(Object.keys(BRAND_ROLES)).makeOptionMandatory())
    .requiredOption("--account <address>", "account", addressArg)
    .option("--dry-run", "estimate gas and cost without sending")
    .action(
      async (opts: { brand: number; role: string; account: string; dryRun?: boolean }, command: Command) => {
        const r = rt(command);
        const outcome = await setBrandRole({
          contracts: await r.contracts(),
          signer: await r.signer(),
          brandId: opts.brand,
          role: opts.role,
          account: opts.account,
          grant,
          dryRun: opts.dryRun,
        });
        reportOutcome(grant ? "grantBrandRole" : "revokeBrandRole", outcome, {
          brandId: opts.brand,
          role: opts.role,
          account: opts.account,
        });
      },
    );
}

// ----------------------------------------------------------------------------------------- mint
const mint = program.command("mint").description("issue certificates");
/** The brand's passport content keys (#19), when the run seals restricted passport columns. */
async function brandPassportKeys(
  file: string | undefined,
  brandId: number,
): Promise<BrandPassportKeys | undefined> {
  const keystore = file ?? process.env.HALLMARK_PASSPORT_KEYSTORE;
  if (keystore === undefined) return undefined;
  const password =
    process.env.HALLMARK_PASSPORT_KEYSTORE_PASSWORD ?? (await promptSecret("Passport keystore password: "));
  const keys = await decryptPassportKeystore(keystore, password);
  if (keys.brandId !== brandId)
    throw new UsageError(`${keystore} holds brand ${keys.brandId}'s passport keys, not brand ${brandId}'s`);
  return keys;
}

mint
  .command("certificates")
  .description(
    "validate a catalogue manifest, upload pictures and documents to IPFS, mint in batches; safe to re-run",
  )
  .requiredOption("--brand <id>", "brand id", brandIdArg)
  .requiredOption("--manifest <file>", "items.csv or items.json")
  .option("--media <dir>", "folder the manifest's images are relative to")
  .option("--to <address>", "recipient (default: the brand's vault)", addressArg)
  .option("--receipt <file>", "receipt file, JSON lines (default: <manifest>.receipt.jsonl)")
  .addOption(
    new Option("--serial <visibility>", "publish serials in clear or only their salted hash")
      .choices(["hashed", "clear"])
      .default("hashed"),
  )
  .option(
    "--batch-size <n>",
    "at most this many certificates per transaction (≤ 500; gas decides first)",
    intArg,
  )
  .option("--confirmations <n>", "confirmations to wait for per batch", intArg, 1)
  .option("--dry-run", "validate and estimate gas and cost; upload and send nothing")
  .option(
    "--passport-keystore <file>",
    "the brand's passport content keystore (HALLMARK_PASSPORT_KEYSTORE): seals the interest.* and authority.* columns; password from HALLMARK_PASSPORT_KEYSTORE_PASSWORD or a prompt",
  )
  .action(
    async (
      opts: {
        brand: number;
        manifest: string;
        passportKeystore?: string;
        media?: string;
        to?: string;
        receipt?: string;
        serial: "hashed" | "clear";
        batchSize?: number;
        confirmations: number;
        dryRun?: boolean;
      },
      command: Command,
    ) => {
      const r = rt(command);
      const serialSettings = await loadBrandSerialSettings(r.saltsFile);
      const brandSalt = serialSettings.salts.get(opts.brand);
      if (brandSalt === undefined)
        throw new UsageError(
          `No serial salt for brand ${opts.brand}: set HALLMARK_BRAND_SALTS or HALLMARK_BRAND_SALTS_FILE (brand add writes ${r.saltsFile})`,
        );
      const rows = parseManifest(await readFile(opts.manifest, "utf8"), manifestFormatOf(opts.manifest));
      const passportKeys = await brandPassportKeys(opts.passportKeystore, opts.brand);
      const receiptFile = opts.receipt ?? `${opts.manifest.replace(/\.(csv|json)$/i, "")}.receipt.jsonl`;
      const progress = createProgress();
      try {
        const summary = await mintCertificates({
          contracts: await r.contracts(),
          // Asked for (keystore decrypted, password prompted) only once every row has validated.
          signer: async () => {
            progress.done();
            return r.signer();
          },
          store: opts.dryRun ? undefined : await r.metadataStore(),
          brandId: opts.brand,
          brandSalt,
          // The serial each row names is hashed as the brand's rule compares it (its salts setting).
          serialRule: serialSettings.rules.get(opts.brand),
          rows,
          mediaRoot: opts.media === undefined ? undefined : path.resolve(opts.media),
          serialVisibility: opts.serial,
          passportKeys,
          to: opts.to,
          receiptFile,
          maxBatchSize: opts.batchSize,
          confirmations: opts.confirmations,
          dryRun: opts.dryRun,
          onProgress: (event) => progress.mint(event),
        });
        progress.done();
        if (summary.estimate)
          log(
            `dry run: ${summary.estimate.batches.length} batch(es) would cost ${describeEstimate(summary.estimate)}`,
          );
        else
          log(
            `done: ${summary.minted} minted in ${summary.batches} batch(es), ${summary.alreadyInReceipt + summary.foundOnChain} already minted; receipt ${receiptFile}`,
          );
        out(summary);
      } finally {
        progress.done();
      }
    },
  );

// ---------------------------------------------------------------------------------- claim codes
program
  .command("claim-codes")
  .description(
    "set one-time claim codes (as the certificates' owner, e.g. the vault) and write a printable QR sheet and a CSV",
  )
  .requiredOption("--brand <id>", "brand id", brandIdArg)
  .option("--tokens <ids>", "comma-separated token ids")
  .option("--receipt <file>", "every certificate of a mint receipt (with --tokens: names them on the sheet)")
  .option("--out <dir>", "output folder for claim-codes.html and claim-codes.csv", "claim-codes")
  .option("--rotate", "replace codes already in the CSV (the old codes stop working)")
  .option("--dry-run", "estimate gas and cost without sending")
  .option("--yes", "print the cards even if the verifier they point to cannot relay this brand's claims")
  .action(
    async (
      opts: {
        brand: number;
        tokens?: string;
        receipt?: string;
        out: string;
        rotate?: boolean;
        dryRun?: boolean;
        yes?: boolean;
      },
      command: Command,
    ) => {
      const r = rt(command);
      // --receipt alone: all its certificates; with --tokens: those tokens, named from the receipt.
      const known = new Map<string, ClaimCodeTarget>();
      if (opts.receipt) {
        for (const entry of (await readReceipt(opts.receipt)).values()) {
          known.set(entry.tokenId, {
            tokenId: BigInt(entry.tokenId),
            serial: entry.serial,
            productName: entry.productName,
          });
        }
      }
      const tokens = opts.tokens
        ?.split(",")
        .filter((x) => x.trim() !== "")
        .map(tokenArg);
      const targets: ClaimCodeTarget[] =
        tokens === undefined
          ? [...known.values()]
          : tokens.map((tokenId) => known.get(tokenId.toString()) ?? { tokenId });
      if (targets.length === 0) throw new UsageError("Name the certificates with --tokens or --receipt");
      const foreign = targets.filter((t) => brandOfToken(t.tokenId) !== opts.brand);
      if (foreign.length > 0)
        throw new UsageError(
          `${foreign.length} token(s) are not brand ${opts.brand}'s (first: ${foreign[0].tokenId})`,
        );
      if (!opts.dryRun) await requireClaimRelay(r.publicUrl, opts.brand, opts.yes === true);
      const codesFile = path.join(opts.out, "claim-codes.csv");
      const sheetFile = path.join(opts.out, "claim-codes.html");
      const signer = await r.signer();
      const contracts = await r.contracts();
      const brandName = (await contracts.registry.brand(opts.brand)).name;
      const result = await issueClaimCodes({
        contracts,
        signer,
        targets,
        codesFile,
        publicUrl: r.publicUrl,
        rotate: opts.rotate,
        dryRun: opts.dryRun,
        onProgress: (event) => {
          if (event.stage === "checked")
            log(`claim codes: ${event.toSet} to set, ${event.skipped} already in ${codesFile}`);
          if (event.stage === "confirmed") log(`claim codes: ${event.confirmed}/${event.total} confirmed`);
        },
      });
      if (result.estimate) {
        log(`dry run: setting the codes would cost ${describeEstimate(result.estimate)}`);
        out({ dryRun: true, ...result.estimate, skipped: result.skipped });
        return;
      }
      // The sheet covers every code of these certificates in the CSV, including earlier runs'.
      const wanted = new Set(targets.map((t) => t.tokenId.toString()));
      const latest = new Map<string, Awaited<ReturnType<typeof readClaimCodes>>[number]>();
      for (const code of await readClaimCodes(codesFile))
        if (wanted.has(code.tokenId.toString())) latest.set(code.tokenId.toString(), code);
      await writeClaimSheet(sheetFile, [...latest.values()], `${brandName}: claim codes`);
      log(`${result.issued.length} new code(s); sheet ${sheetFile} (${latest.size} cards), CSV ${codesFile}`);
      // Never the codes themselves: they live only in the two files.
      out({
        issued: result.issued.length,
        skipped: result.skipped,
        sheet: sheetFile,
        csv: codesFile,
        cards: latest.size,
      });
    },
  );

/**
 * A claim card opens `<publicUrl>/claim/<token>`; a customer without a wallet can claim there only if
 * that verifier relays the brand's claims (it holds the brand's key). Otherwise the page ends in a signed
 * claim "to hand to a relayer": say so before the cards are printed, and go on only when told to.
 */
async function requireClaimRelay(publicUrl: string, brandId: number, yes: boolean): Promise<void> {
  const url = `${publicUrl.replace(/\/+$/, "")}/v1/claims/relays/${brandId}`;
  let problem: string | undefined;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) problem = `${url} answered ${response.status}`;
    else if (!((await response.json()) as { relays: boolean }).relays)
      problem = `the verifier ${publicUrl} holds no key for brand ${brandId}, so it cannot submit its customers' claims`;
  } catch (error) {
    problem = `the verifier ${publicUrl} cannot be reached (${(error as Error).message})`;
  }
  if (problem === undefined) return;
  log(`warning: ${problem}.`);
  log(
    "  A customer without a wallet who opens a card would get a signed claim to hand to a relayer instead of the piece.",
  );
  log(
    "  Fix: set HALLMARK_PUBLIC_URL to the verifier that holds the brand's key (HALLMARK_ISSUER_KEYSTORES), or configure it there.",
  );
  if (yes) {
    log("  --yes: printing the cards anyway.");
    return;
  }
  if (!(await confirm("Print the claim cards anyway?")))
    throw new CancelledError(
      "Claim cards not printed (nothing was sent): fix the verifier, or pass --yes to print them anyway",
    );
}

// ---------------------------------------------------------------------------------------- event
program
  .command("event")
  .description("provenance events")
  .command("add")
  .description(
    "publish an event's details document and record it on-chain (resale also moves the certificate)",
  )
  .addOption(
    new Option("--kind <kind>", "event kind")
      .choices(Object.keys(PROVENANCE_EVENT_KINDS))
      .makeOptionMandatory(),
  )
  .requiredOption("--token <id>", "certificate token id", tokenArg)
  .requiredOption("--details <file>", "provenance-details JSON document")
  .option("--grade <n>", "condition grade 1..10 (0: not graded)", intArg, 0)
  .option("--buyer <address>", "resale: the buyer who receives the certificate", addressArg)
  .option("--dry-run", "validate and estimate gas and cost without publishing or sending")
  .action(
    async (
      opts: {
        kind: ProvenanceEventKindName;
        token: bigint;
        details: string;
        grade: number;
        buyer?: string;
        dryRun?: boolean;
      },
      command: Command,
    ) => {
      const r = rt(command);
      const details = await readJson(opts.details);
      const result = await recordProvenanceEvent({
        contracts: await r.contracts(),
        signer: await r.signer(),
        store: opts.dryRun ? undefined : await r.metadataStore(),
        tokenId: opts.token,
        kind: opts.kind,
        details,
        grade: opts.grade,
        buyer: opts.buyer,
        dryRun: opts.dryRun,
      });
      reportOutcome(opts.kind === "resale" ? "authenticatedResale" : "recordProvenance", result.outcome, {
        tokenId: opts.token,
        detailsDigest: result.detailsDigest,
        detailsCid: result.detailsCid,
      });
    },
  );

// --------------------------------------------------------------------------------------- status
const status = program.command("status").description("report stolen, revoke or restore a certificate");
for (const action of Object.keys(STATUS_ACTIONS) as StatusAction[]) {
  status
    .command(action)
    .description(
      `${STATUS_ACTIONS[action]} (${action === "stolen" ? "owner or brand admin" : "brand admin"})`,
    )
    .requiredOption("--token <id>", "certificate token id", tokenArg)
    .requiredOption("--reason <text>", "public reason")
    .option("--dry-run", "estimate gas and cost without sending")
    .action(async (opts: { token: bigint; reason: string; dryRun?: boolean }, command: Command) => {
      const r = rt(command);
      const outcome = await changeCertificateStatus({
        contracts: await r.contracts(),
        signer: await r.signer(),
        tokenId: opts.token,
        action,
        reason: opts.reason,
        dryRun: opts.dryRun,
      });
      reportOutcome(STATUS_ACTIONS[action], outcome, { tokenId: opts.token });
    });
}

// ------------------------------------------------------------------------------------- garments
const garments = program.command("garments").description("digital garments (ERC-1155)");
garments
  .command("create-design")
  .description("publish a garment-metadata document and create the design")
  .requiredOption("--brand <id>", "brand id", brandIdArg)
  .requiredOption(
    "--design <file>",
    "design JSON: maxSupply, closesAt, royaltyReceiver, royaltyBps, locked, redeemable, twinCertificates",
  )
  .requiredOption("--metadata <file>", "garment-metadata JSON document")
  .option("--dry-run", "validate and estimate gas and cost without publishing or sending")
  .action(
    async (opts: { brand: number; design: string; metadata: string; dryRun?: boolean }, command: Command) => {
      const r = rt(command);
      const result = await createGarmentDesign({
        contracts: await r.contracts(),
        signer: await r.signer(),
        store: opts.dryRun ? undefined : await r.metadataStore(),
        brandId: opts.brand,
        design: await readJson(opts.design),
        metadata: await readJson(opts.metadata),
        dryRun: opts.dryRun,
      });
      reportOutcome("createDesign", result.outcome, {
        designId: result.designId,
        metadataDigest: result.metadataDigest,
        metadataCid: result.metadataCid,
        twinCollectionRoot: result.twinCollectionRoot,
      });
    },
  );
garments
  .command("voucher")
  .description("sign an EIP-712 voucher a buyer redeems with redeemVoucher (issuer key)")
  .requiredOption("--design <id>", "design id", tokenArg)
  .option("--buyer <address>", "the only account that may redeem it (default: anyone)", addressArg)
  .requiredOption("--amount <n>", "editions", intArg)
  .requiredOption("--price <wei>", "total price in wei", (v) => tokenArgOrZero(v))
  .requiredOption("--expires <time>", "deadline: ISO date-time or unix seconds")
  .option("--out <file>", "write the voucher JSON here (default: stdout)")
  .action(
    async (
      opts: { design: bigint; buyer?: string; amount: number; price: bigint; expires: string; out?: string },
      command: Command,
    ) => {
      const r = rt(command);
      const deadline = /^\d+$/.test(opts.expires)
        ? BigInt(opts.expires)
        : BigInt(Math.floor(Date.parse(opts.expires) / 1000));
      if (deadline <= 0n) throw new UsageError(`--expires ${opts.expires} is not a date`);
      const voucher = await signGarmentVoucher({
        contracts: await r.contracts(),
        signer: await r.signer(),
        designId: opts.design,
        buyer: opts.buyer,
        amount: opts.amount,
        price: opts.price,
        deadline,
      });
      if (opts.out) {
        await writeFile(opts.out, JSON.stringify(voucher, null, 2) + "\n");
        log(`voucher written to ${opts.out}`);
      }
      out(voucher);
    },
  );

function tokenArgOrZero(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("an amount in wei (digits)");
  return BigInt(value);
}

// -------------------------------------------------------------------------------------- api-key
/** The issuer database the verifier reads keys from: <HALLMARK_DATA_DIR>/issuer.sqlite. */
async function withApiKeys<T>(command: Command, use: (keys: ApiKeyStore) => Promise<T>): Promise<T> {
  const url = rt(command).databaseUrl;
  if (url !== undefined) {
    // The fleet's keys: every verifier on this database accepts the key at once.
    const pool = await openDatabase(url, { variable: "HALLMARK_DATABASE_URL", max: 1 });
    try {
      await requireSchemaVersion(pool);
      return await use(postgresIssuerDatabase(pool).keys);
    } finally {
      await pool.end();
    }
  }
  const database = openSqliteIssuerDatabase(issuerDatabasePath(rt(command).dataDir));
  try {
    return await use(database.keys);
  } finally {
    await database.close();
  }
}

const apiKey = program
  .command("api-key")
  .description(
    "issuer API keys (stored hashed in <data dir>/issuer.sqlite, or in HALLMARK_DATABASE_URL when set)",
  );
apiKey
  .command("create")
  .description(
    "create a key for one brand and some actions; the key is printed once and cannot be shown again",
  )
  .requiredOption("--brand <id>", "brand id", brandIdArg)
  .requiredOption("--scopes <list>", `comma-separated: ${ISSUER_SCOPES.join(", ")}`, (value) => {
    try {
      return parseScopes(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  })
  .option("--label <text>", "who or what uses it (shown by list)", "")
  .action(
    async (
      opts: { brand: number; scopes: ReturnType<typeof parseScopes>; label: string },
      command: Command,
    ) => {
      const created = await withApiKeys(command, (keys) =>
        keys.create({ brandId: opts.brand, scopes: opts.scopes, label: opts.label }),
      );
      log(
        `API key ${created.id} created for brand ${created.brandId} (${created.scopes.join(", ")}); store it now, it is not shown again`,
      );
      out(created);
    },
  );
apiKey
  .command("revoke")
  .description("revoke a key at once (its next call gets 401)")
  .argument("<id>", "key id (the 16 hex digits after hmk_)")
  .action(async (id: string, _opts, command: Command) => {
    const revoked = await withApiKeys(command, (keys) => keys.revoke(id));
    log(`API key ${revoked.id} revoked`);
    out(revoked);
  });
apiKey
  .command("list")
  .description("keys (ids, brands, scopes, labels; never secrets)")
  .option("--brand <id>", "only this brand's", brandIdArg)
  .action(async (opts: { brand?: number }, command: Command) => {
    out(await withApiKeys(command, (keys) => keys.list(opts.brand)));
  });

// ---------------------------------------------------------------------------------- partner-key
/** The issuer database's keys and audit trail, where partner keys are kept beside issuer keys. */
async function withIssuerRecords<T>(
  command: Command,
  use: (records: { keys: ApiKeyStore; audit: AuditLog }) => Promise<T>,
): Promise<T> {
  const url = rt(command).databaseUrl;
  if (url !== undefined) {
    const pool = await openDatabase(url, { variable: "HALLMARK_DATABASE_URL", max: 1 });
    try {
      await requireSchemaVersion(pool);
      return await use(postgresIssuerDatabase(pool));
    } finally {
      await pool.end();
    }
  }
  const database = openSqliteIssuerDatabase(issuerDatabasePath(rt(command).dataDir));
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

const partnerKey = program
  .command("partner-key")
  .description(
    "resale partners' keys for the verifier API: a larger rate budget (HALLMARK_PARTNER_RATE_LIMIT_PER_MINUTE), no issuer route; stored hashed beside the issuer keys",
  );
partnerKey
  .command("create")
  .description("create a partner key; it is printed once and cannot be shown again")
  .requiredOption("--label <text>", "the partner it is for (shown by list and in the audit)")
  .option(
    "--passport <grants>",
    "restricted passport tiers it may read, as <tier>:<brand> (interest:1,authority:2): scopes passport:<tier>:<brand>",
  )
  .action(async (opts: { label: string; passport?: string }, command: Command) => {
    let passportScopes: PassportScope[] = [];
    try {
      passportScopes = opts.passport === undefined ? [] : parsePassportScopes(opts.passport);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const created = await withIssuerRecords(command, async ({ keys, audit }) => {
      const key = await keys.createPartner({ label: opts.label, passportScopes });
      await audit.record({
        keyId: key.id,
        brandId: null,
        action: "partner-key.create",
        target: opts.label,
        status: 201,
        outcome: "ok",
        detail:
          passportScopes.length === 0
            ? "hallmark partner-key create"
            : `hallmark partner-key create (${passportScopes.join(",")})`,
      });
      return key;
    });
    log(
      `Partner key ${created.id} created for ${opts.label}; send it as Authorization: Bearer <key>. Store it now, it is not shown again`,
    );
    out(created);
  });
partnerKey
  .command("revoke")
  .description("revoke a partner key (its budget falls back to its address's within 30 s)")
  .argument("<id>", "key id (the 16 hex digits after hmk_)")
  .action(async (id: string, _opts, command: Command) => {
    const revoked = await withIssuerRecords(command, async ({ keys, audit }) => {
      const key = await keys.revoke(id);
      await audit.record({
        keyId: key.id,
        brandId: null,
        action: "partner-key.revoke",
        target: key.label,
        status: 200,
        outcome: "ok",
        detail: "hallmark partner-key revoke",
      });
      return key;
    });
    log(`Partner key ${revoked.id} revoked`);
    out(revoked);
  });
partnerKey
  .command("list")
  .description("partner keys (ids, labels, last use; never secrets)")
  .action(async (_opts, command: Command) => {
    out(
      (await withApiKeys(command, (keys) => keys.list())).filter((key) => key.brandId === PARTNER_BRAND_ID),
    );
  });

// ---------------------------------------------------------------------------- passport-keystore
program
  .command("passport-keystore")
  .description(
    "the brand's passport content keys (#19): one per restricted tier, sealed in a password-encrypted file",
  )
  .command("create")
  .description(
    "create a passport keystore with a new random key for the interest and the authority tier; password from HALLMARK_PASSPORT_KEYSTORE_PASSWORD or a prompt",
  )
  .requiredOption("--brand <id>", "brand id", brandIdArg)
  .requiredOption("--out <file>", "where to write it (never overwritten)")
  .action(async (opts: { brand: number; out: string }) => {
    const password =
      process.env.HALLMARK_PASSPORT_KEYSTORE_PASSWORD ??
      (await promptSecret("New passport keystore password: "));
    await createPassportKeystore(opts.out, opts.brand, password);
    log(
      `Passport keystore ${opts.out} created for brand ${opts.brand} (keys interest-1, authority-1); give it to mint with --passport-keystore and to the verifier with HALLMARK_PASSPORT_KEYSTORES`,
    );
    out({ passportKeystore: opts.out, brand: opts.brand, keys: ["interest-1", "authority-1"] });
  });

// ------------------------------------------------------------------------------------ serial id
program
  .command("token-id")
  .description("the token id of a serial (needs the brand's salt)")
  .requiredOption("--brand <id>", "brand id", brandIdArg)
  .requiredOption("--serial <serial>", "serial as printed")
  .action(async (opts: { brand: number; serial: string }, command: Command) => {
    const r = rt(command);
    const settings = await loadBrandSerialSettings(r.saltsFile);
    const salt = settings.salts.get(opts.brand);
    if (salt === undefined) throw new UsageError(`No serial salt for brand ${opts.brand}`);
    const { serialHashOf } = await import("../../server/issuer/serials.js");
    const serial = normaliseSerial(settings.rules.get(opts.brand), opts.serial);
    out({ tokenId: certificateTokenId(opts.brand, serialHashOf(salt, serial)).toString(), serial });
  });

registerAdminCommands({ program, brand, role, status }, rt);

// -------------------------------------------------------------------------------- tags (#18)
registerTagCommands(program, {
  out,
  log,
  env: process.env,
  paths: (command) => ({
    dataDir: rt(command).dataDir,
    saltsFile: rt(command).saltsFile,
    publicUrl: rt(command).publicUrl,
  }),
});

try {
  await program.parseAsync(process.argv);
  process.exitCode = EXIT.ok;
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander printed the problem (or the help) already.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof ManifestError) {
    log(`The manifest has ${error.problems.length} problem(s); nothing was uploaded or sent:`);
    for (const problem of error.problems) log(`  ${formatProblem(problem)}`);
    process.exitCode = EXIT.data;
  } else {
    // ethers' full message embeds the whole signed transaction; its short message is what helps.
    const short = (error as { shortMessage?: string }).shortMessage;
    const message =
      error instanceof HallmarkError || error instanceof UsageError || error instanceof CancelledError
        ? error.message
        : (short ?? (error instanceof Error ? error.message : String(error)));
    log(`error: ${message}`);
    for (const detail of error instanceof HallmarkError ? error.details : [])
      log(`  ${detail.path}: ${detail.message}`);
    process.exitCode = exitCodeOf(error);
    if (process.exitCode === EXIT.retry) log("(temporary: run the same command again later)");
    if (process.env.HALLMARK_DEBUG) console.error(error);
  }
} finally {
  await runtime?.close();
}
