/**
 * The pages' static text assets (our scripts and stylesheet, and the vendored ethers and model-viewer
 * bundles) under content-hashed URLs, so that a browser may keep them for a year (`immutable`), and
 * precompressed once per process (brotli, else gzip, by Accept-Encoding), never per request.
 *
 * Our own files share one hash over all of them, as a path segment (`/web/assets/<hash>/verify.js`):
 * their relative imports (`./ownership.js`) then resolve inside the same version with no rewriting.
 * A vendor bundle has its own (`/web/vendor/<hash>/model-viewer.min.js`), and our scripts' imports of
 * it are rewritten to that URL, so that a new bundle changes our hash too.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants as zlib, gzip } from "node:zlib";
import type { NextFunction, Request, Response } from "express";

const HERE = dirname(fileURLToPath(import.meta.url));
export const ASSETS_DIR = join(HERE, "assets");

/** Only these names of the folder are public (it also holds its own lint config). */
const PUBLIC_ASSET = /^[a-z-]+\.(?:js|css)$/;
const PRIVATE_ASSETS = new Set(["eslint.config.js"]);

interface Asset {
  body: Buffer;
  contentType: string;
  /** Short content hash: the URL's version and the ETag. */
  hash: string;
}

/** A package's dist file, found from its resolved entry point (no CDN: the browser gets our copy). */
function packageFile(specifier: string, packageName: string, relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(specifier)));
  while (!dir.endsWith(join("node_modules", ...packageName.split("/"))) && dirname(dir) !== dir)
    dir = dirname(dir);
  return join(dir, relative);
}

const VENDOR_FILES: Record<string, () => string> = {
  "ethers.min.js": () => packageFile("ethers", "ethers", join("dist", "ethers.min.js")),
  "model-viewer.min.js": () =>
    packageFile("@google/model-viewer", "@google/model-viewer", join("dist", "model-viewer.min.js")),
};

function shortHash(...parts: (string | Buffer)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex").slice(0, 12);
}

function contentTypeOf(name: string): string {
  return name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
}

function loadVendor(): Map<string, Asset> {
  const vendor = new Map<string, Asset>();
  for (const [name, locate] of Object.entries(VENDOR_FILES)) {
    const body = readFileSync(locate());
    vendor.set(name, { body, contentType: contentTypeOf(name), hash: shortHash(body) });
  }
  return vendor;
}

const VENDOR = loadVendor();

/** The long-cached URL of a vendored bundle. */
export function vendorScript(name: string): string {
  const asset = VENDOR.get(name);
  if (asset === undefined) throw new Error(`No vendored file ${name}`);
  return `/web/vendor/${asset.hash}/${name}`;
}

function loadOwn(): { assets: Map<string, Asset>; hash: string } {
  const names = readdirSync(ASSETS_DIR)
    .filter((name) => PUBLIC_ASSET.test(name) && !PRIVATE_ASSETS.has(name))
    .sort();
  const bodies = names.map((name) => {
    let text = readFileSync(join(ASSETS_DIR, name), "utf8");
    for (const vendorName of VENDOR.keys())
      text = text.replaceAll(`"/web/vendor/${vendorName}"`, `"${vendorScript(vendorName)}"`);
    return [name, Buffer.from(text)] as const;
  });
  const hash = shortHash(...bodies.flatMap(([name, body]) => [name, "\0", body, "\0"]));
  return {
    hash,
    assets: new Map(bodies.map(([name, body]) => [name, { body, contentType: contentTypeOf(name), hash }])),
  };
}

const OWN = loadOwn();

/** Where the pages link our scripts and stylesheet from: changes whenever any of them does. */
export const ASSET_BASE = `/web/assets/${OWN.hash}`;

type Encoding = "br" | "gzip";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
/** Per process, shared by every router: each file is compressed once, the first time it is warmed or asked for. */
const compressed = new Map<Buffer, Map<Encoding, Promise<Buffer>>>();

function compress(asset: Asset, encoding: Encoding): Promise<Buffer> {
  let byEncoding = compressed.get(asset.body);
  if (byEncoding === undefined)
    compressed.set(asset.body, (byEncoding = new Map<Encoding, Promise<Buffer>>()));
  let result = byEncoding.get(encoding);
  if (result === undefined) {
    result =
      encoding === "gzip"
        ? gzipAsync(asset.body, { level: 9 })
        : brotli(asset.body, {
            params: {
              [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
              // Quality 11 takes seconds on model-viewer's megabyte for 10% less; 9 takes half a second.
              [zlib.BROTLI_PARAM_QUALITY]: asset.body.byteLength > 256 * 1024 ? 9 : 11,
              [zlib.BROTLI_PARAM_SIZE_HINT]: asset.body.byteLength,
            },
          });
    byEncoding.set(encoding, result);
  }
  return result;
}

/** Compresses every asset in the background, so that the first visitor does not wait for it. */
export function warmAssets(): Promise<void> {
  const all = [...OWN.assets.values(), ...VENDOR.values()];
  return Promise.all(all.flatMap((asset) => [compress(asset, "br"), compress(asset, "gzip")])).then(
    () => undefined,
  );
}

/**
 * Brotli whenever the client takes it, then gzip: browsers list "gzip, deflate, br" at equal quality,
 * and a negotiation in the client's order would pick gzip for them.
 */
function preferredEncoding(request: Request): Encoding | null {
  if (request.acceptsEncodings("br") === "br") return "br";
  if (request.acceptsEncodings("gzip") === "gzip") return "gzip";
  return null;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

async function send(request: Request, response: Response, asset: Asset, versioned: boolean): Promise<void> {
  const encoding = preferredEncoding(request);
  const body = encoding === null ? asset.body : await compress(asset, encoding);
  response.setHeader("Content-Type", asset.contentType);
  response.vary("Accept-Encoding");
  // An old page may ask for a version that is gone: it gets today's file, which nobody may keep.
  response.setHeader("Cache-Control", versioned ? IMMUTABLE : "no-cache");
  response.setHeader("ETag", `"${asset.hash}${encoding === null ? "" : `-${encoding}`}"`);
  if (encoding !== null) response.setHeader("Content-Encoding", encoding);
  if (request.fresh) {
    response.status(304).end();
    return;
  }
  response.setHeader("Content-Length", String(body.byteLength));
  response.status(200).end(request.method === "HEAD" ? undefined : body);
}

/**
 * `/web/assets/[<hash>/]<name>` and `/web/vendor/[<hash>/]<name>`; the unversioned paths still answer
 * (links written before the hashes), with revalidation instead of a year's cache.
 */
export function assetHandler(request: Request, response: Response, next: NextFunction): void {
  if (request.method !== "GET" && request.method !== "HEAD") return next();
  const match = /^\/web\/(assets|vendor)\/(?:([0-9a-f]{12})\/)?([^/]+)$/.exec(request.path);
  if (match === null) return next();
  const [, folder, version, name] = match;
  const table = folder === "assets" ? OWN.assets : VENDOR;
  // Own keys only: /web/vendor/constructor must not reach Object's prototype (a Map has none).
  const asset = table.get(name);
  if (asset === undefined) return next();
  send(request, response, asset, version === asset.hash).catch(next);
}
