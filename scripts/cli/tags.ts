/**
 * `hallmark tags …`: a brand's NTAG 424 DNA tags. The tag master keys live in their own encrypted
 * keystore (server/tags/tag-keystore.ts); no command prints a key: keys go into files an encoding
 * station reads, written with mode 0600.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { InvalidInputError } from "../../server/errors.js";
import { loadBrandSalts } from "../../server/issuer/brands.js";
import { SignerError } from "../../server/issuer/errors.js";
import { manifestFormatOf, parseManifest } from "../../server/issuer/manifest.js";
import { certificateTokenId, serialHashOf } from "../../server/issuer/serials.js";
import { personalisationRecords, writePersonalisationFile } from "../../server/tags/personalisation.js";
import type { TagToPersonalise } from "../../server/tags/personalisation.js";
import {
  createTagKeystore,
  decryptTagKeystore,
  rotateTagKeystore,
  rotateTagOracle,
} from "../../server/tags/tag-keystore.js";
import { formatTagUid, isTagUid } from "../../server/tags/uid.js";
import { tapDemoTag } from "../demo/tags.js";
import { promptSecret } from "./prompt.js";

export interface TagCommandContext {
  out: (value: unknown) => void;
  log: (message: string) => void;
  env: NodeJS.ProcessEnv;
  /** Where the data directory, the brand salts and the public verifier are (the CLI runtime's). */
  paths: (command: Command) => { dataDir: string; saltsFile: string; publicUrl: string };
}

function brandIdArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff)
    throw new InvalidArgumentError("a brand id (1..2^32-1)");
  return n;
}

function keyIdsArg(value: string): number[] {
  const ids = value.split(",").map((part) => Number(part.trim()));
  if (ids.some((id) => !Number.isInteger(id) || id < 1))
    throw new InvalidArgumentError("comma-separated key ids (1, 2, …)");
  return ids;
}

/** HALLMARK_TAG_KEYSTORE_PASSWORD, or a prompt on a terminal. */
export async function tagKeystorePassword(env: NodeJS.ProcessEnv, confirm = false): Promise<string> {
  const fromEnv = env.HALLMARK_TAG_KEYSTORE_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (!process.stdin.isTTY)
    throw new SignerError(
      "No tag keystore password: set HALLMARK_TAG_KEYSTORE_PASSWORD or run on a terminal to be asked",
    );
  const password = await promptSecret("Tag keystore password: ");
  if (confirm && (await promptSecret("Repeat the password: ")) !== password)
    throw new SignerError("The passwords differ");
  return password;
}

export function tagKeystorePath(opts: { tagKeystore?: string }, env: NodeJS.ProcessEnv): string {
  const file = opts.tagKeystore ?? env.HALLMARK_TAG_KEYSTORE;
  if (!file) throw new SignerError("No tag keystore: pass --tag-keystore or set HALLMARK_TAG_KEYSTORE");
  return file;
}

export function registerTagCommands(program: Command, context: TagCommandContext): Command {
  const { out, log, env, paths } = context;
  const tags = program.command("tags").description("NTAG 424 DNA secure tags: keys, personalisation, taps");
  tags.option(
    "--tag-keystore <file>",
    "the brand's encrypted tag keystore (HALLMARK_TAG_KEYSTORE); password from HALLMARK_TAG_KEYSTORE_PASSWORD or a prompt",
  );

  const keystore = tags.command("keystore").description("the brand's tag master keys");
  keystore
    .command("create")
    .description("create a tag keystore holding one new random master key and the brand's tag oracle key")
    .requiredOption("--brand <id>", "brand id", brandIdArg)
    .action(async (opts: { brand: number }, command: Command) => {
      const file = tagKeystorePath(command.optsWithGlobals(), env);
      const password = await tagKeystorePassword(env, true);
      await createTagKeystore(file, opts.brand, password);
      const { oracle } = await decryptTagKeystore(file, password);
      log(
        `created ${file} (tag master key 1 of brand ${opts.brand}); grant TAG_ORACLE to its oracle ${oracle?.address}: hallmark role grant --brand ${opts.brand} --role tag-oracle --account ${oracle?.address}`,
      );
      out({ tagKeystore: file, brand: opts.brand, currentKey: 1, oracle: oracle?.address ?? null });
    });
  keystore
    .command("oracle")
    .description(
      "print the address of the brand's tag oracle key (to grant it TAG_ORACLE); --rotate replaces a leaked one (revoke the old address's role)",
    )
    .option("--rotate", "replace the oracle key; the tag master keys are unchanged")
    .action(async (opts: { rotate?: boolean }, command: Command) => {
      const file = tagKeystorePath(command.optsWithGlobals(), env);
      const password = await tagKeystorePassword(env);
      const before = (await decryptTagKeystore(file, password)).oracle?.address ?? null;
      const oracle = opts.rotate === true ? await rotateTagOracle(file, password) : before;
      if (opts.rotate === true)
        log(
          `${file}: new tag oracle ${oracle}; revoke TAG_ORACLE from ${before ?? "(none)"} and grant it to ${oracle}`,
        );
      out({ tagKeystore: file, oracle, replaced: opts.rotate === true ? before : null });
    });
  keystore
    .command("rotate")
    .description(
      "add a new current master key (tags written before keep verifying under the old one); --retire drops leaked keys",
    )
    .option("--retire <ids>", "key ids to drop (their tags stop verifying)", keyIdsArg)
    .action(async (opts: { retire?: number[] }, command: Command) => {
      const file = tagKeystorePath(command.optsWithGlobals(), env);
      const id = await rotateTagKeystore(file, await tagKeystorePassword(env), { retire: opts.retire });
      log(`${file}: master key ${id} is current${opts.retire ? `; retired ${opts.retire.join(", ")}` : ""}`);
      out({ tagKeystore: file, currentKey: id, retired: opts.retire ?? [] });
    });
  tags
    .command("personalise")
    .description(
      "write each tag's diversified keys, URL and SDM settings for an encoding station (CSV or JSON by --out's extension); no key is printed",
    )
    .requiredOption("--brand <id>", "brand id", brandIdArg)
    .requiredOption(
      "--manifest <file>",
      "the batch's manifest (.csv or .json) with serial and tagUid columns",
    )
    .requiredOption("--out <file>", "the file to write (.csv or .json), mode 0600; never overwritten")
    .option("--verifier-url <url>", "the public verifier the tags link to (default HALLMARK_PUBLIC_URL)")
    .action(
      async (
        opts: { brand: number; manifest: string; out: string; verifierUrl?: string },
        command: Command,
      ) => {
        const where = paths(command);
        const salt = (await loadBrandSalts(where.saltsFile)).get(opts.brand);
        if (salt === undefined) throw new InvalidInputError(`No serial salt for brand ${opts.brand}`);
        const rows = parseManifest(await readFile(opts.manifest, "utf8"), manifestFormatOf(opts.manifest));
        const tagged: TagToPersonalise[] = [];
        for (const { row, fields } of rows) {
          const uid = typeof fields.tagUid === "string" ? fields.tagUid.trim() : "";
          const serial =
            typeof fields.serial === "string" ? fields.serial.trim() : String(fields.serial ?? "");
          if (uid === "") continue;
          if (!isTagUid(uid)) throw new InvalidInputError(`row ${row}: tagUid must be 14 hex digits`);
          if (serial === "") throw new InvalidInputError(`row ${row}: a tagged row needs its serial`);
          tagged.push({
            uid: formatTagUid(Buffer.from(uid, "hex")),
            serial,
            tokenId: certificateTokenId(opts.brand, serialHashOf(salt, serial)),
          });
        }
        if (tagged.length === 0) throw new InvalidInputError(`${opts.manifest} has no row with a tagUid`);
        const file = tagKeystorePath(command.optsWithGlobals(), env);
        const keys = await decryptTagKeystore(file, await tagKeystorePassword(env));
        if (keys.brandId !== opts.brand)
          throw new InvalidInputError(
            `${file} holds brand ${keys.brandId}'s tag keys, not brand ${opts.brand}'s`,
          );
        const records = personalisationRecords(
          opts.brand,
          keys.keys[0],
          opts.verifierUrl ?? where.publicUrl,
          tagged,
        );
        const format = await writePersonalisationFile(opts.out, records);
        log(`wrote ${records.length} tag(s) to ${opts.out}: it holds keys, keep it on the encoding station`);
        out({
          file: opts.out,
          format,
          tags: records.length,
          brand: opts.brand,
          masterKeyId: keys.keys[0].id,
        });
      },
    );

  tags
    .command("tap <serial>")
    .description(
      "tap a demo piece's simulated NTAG 424 tag: prints the link of its next tap (npm start's demo)",
    )
    .action(async (serial: string, _opts: unknown, command: Command) => {
      const { url, counter } = await tapDemoTag(paths(command).dataDir, serial);
      log(`tap ${counter} of the demo tag on ${serial}`);
      process.stdout.write(`${url}\n`);
    });
  return tags;
}
