/**
 * `hallmark tags …`: a brand's NTAG 424 DNA tags. The tag master keys live in their own encrypted
 * keystore (server/tags/tag-keystore.ts); no command prints a key: keys go into files an encoding
 * station reads, written with mode 0600.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { SignerError } from "../../server/issuer/errors.js";
import { createTagKeystore, rotateTagKeystore } from "../../server/tags/tag-keystore.js";
import { promptSecret } from "./prompt.js";

export interface TagCommandContext {
  out: (value: unknown) => void;
  log: (message: string) => void;
  env: NodeJS.ProcessEnv;
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
  const { out, log, env } = context;
  const tags = program.command("tags").description("NTAG 424 DNA secure tags: keys, personalisation, taps");
  tags.option(
    "--tag-keystore <file>",
    "the brand's encrypted tag keystore (HALLMARK_TAG_KEYSTORE); password from HALLMARK_TAG_KEYSTORE_PASSWORD or a prompt",
  );

  const keystore = tags.command("keystore").description("the brand's tag master keys");
  keystore
    .command("create")
    .description("create a tag keystore holding one new random master key")
    .requiredOption("--brand <id>", "brand id", brandIdArg)
    .action(async (opts: { brand: number }, command: Command) => {
      const file = tagKeystorePath(command.optsWithGlobals(), env);
      await createTagKeystore(file, opts.brand, await tagKeystorePassword(env, true));
      log(`created ${file} (tag master key 1 of brand ${opts.brand})`);
      out({ tagKeystore: file, brand: opts.brand, currentKey: 1 });
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
  return tags;
}
