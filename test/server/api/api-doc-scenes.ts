import { readFile } from "node:fs/promises";
import { expect } from "chai";
import { startE2eStack } from "../../e2e/stack.js";
import type { E2eStack } from "../../e2e/stack.js";
import { OpenApiResponses } from "../support/openapi-responses.js";

/** One scene of docs/api.md's demo section: the curl line, the answer's status and headers shown, and its JSON excerpt. */
interface Scene {
  curl: string;
  status: number;
  headers: [string, string][];
  excerpt: unknown;
}

const DOC_HOST = "http://127.0.0.1:8080";

function demoScenes(markdown: string): Scene[] {
  const section = /<!-- demo-scenes:start[\s\S]*?<!-- demo-scenes:end -->/.exec(markdown)?.[0];
  if (section === undefined) throw new Error("docs/api.md has no demo-scenes section");
  const scenes: Scene[] = [];
  const pattern = /```sh\n(curl [^\n]+)\n```\s*```http\n([\s\S]*?)\n```(?:\s*```json\n([\s\S]*?)\n```)?/g;
  for (const [, curl, http, json] of section.matchAll(pattern)) {
    const [statusLine, ...headerLines] = http.split("\n");
    scenes.push({
      curl,
      status: Number(/^HTTP\/1\.1 (\d{3})$/.exec(statusLine)![1]),
      headers: headerLines.map((line) => {
        const colon = line.indexOf(":");
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
      }),
      excerpt: json === undefined ? undefined : JSON.parse(json),
    });
  }
  return scenes;
}

/** The words of a curl line, single quotes as the shell reads them. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const [, quoted, bare] of line.matchAll(/'([^']*)'|(\S+)/g)) out.push(quoted ?? bare);
  return out;
}

function requestOf(curl: string, base: string): { url: string; init: RequestInit } {
  const [command, ...rest] = words(curl);
  expect(command).to.equal("curl");
  const headers: Record<string, string> = {};
  let method = "GET";
  let body: string | undefined;
  let url: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (word === "-s") continue;
    else if (word === "-X") method = rest[++i];
    else if (word === "-H") {
      const [name, ...value] = rest[++i].split(":");
      headers[name.trim().toLowerCase()] = value.join(":").trim();
    } else if (word === "-d") body = rest[++i];
    else if (word.startsWith(DOC_HOST)) url = base + word.slice(DOC_HOST.length);
    else throw new Error(`a curl option the scenes do not use: ${word}`);
  }
  if (url === undefined) throw new Error(`no URL in ${curl}`);
  return { url, init: { method, headers, body, redirect: "manual" } };
}

/** Every field of `excerpt` is in `actual`; an array excerpt of the same length matches item by item, a shorter one anywhere. */
function contains(actual: unknown, excerpt: unknown, path = "$"): string[] {
  if (Array.isArray(excerpt)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array`];
    if (excerpt.length === actual.length)
      return excerpt.flatMap((item, i) => contains(actual[i], item, `${path}[${i}]`));
    return excerpt.flatMap((item, i) =>
      actual.some((candidate) => contains(candidate, item).length === 0)
        ? []
        : [`${path}[${i}]: no item matches ${JSON.stringify(item)}`],
    );
  }
  if (excerpt !== null && typeof excerpt === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return [`${path}: expected an object`];
    return Object.entries(excerpt).flatMap(([key, value]) =>
      contains((actual as Record<string, unknown>)[key], value, `${path}.${key}`),
    );
  }
  return actual === excerpt ? [] : [`${path}: ${JSON.stringify(actual)} is not ${JSON.stringify(excerpt)}`];
}

/**
 * docs/api.md's scenes against the demo, as a reader would type them: every curl line of the
 * section is sent to a verifier seeded with the demo collection (the one `npm start` seeds), and
 * its answer must have the status and headers the document shows, every field of the JSON it
 * shows, and conform to /openapi.json.
 */
describe("docs/api.md: the scenes against the demo", function () {
  let stack: E2eStack;
  let scenes: Scene[];
  let described: OpenApiResponses;

  before(async function () {
    this.timeout(300_000);
    scenes = demoScenes(await readFile(new URL("../../../docs/api.md", import.meta.url), "utf8"));
    // The default rate budget, as the document's headers show it.
    stack = await startE2eStack({ env: { HALLMARK_RATE_LIMIT_PER_MINUTE: "600" } });
    described = new OpenApiResponses(
      (await (await fetch(`${stack.url}/openapi.json`)).json()) as Record<string, unknown>,
    );
  });

  after(async function () {
    await stack?.close();
  });

  it("has scenes to run", function () {
    expect(scenes.length).to.be.at.least(8);
  });

  it("answers every curl line as the document shows", async function () {
    const departures: string[] = [];
    for (const scene of scenes) {
      const { url, init } = requestOf(scene.curl, stack.url);
      const response = await fetch(url, init);
      const text = await response.text();
      const type = response.headers.get("content-type") ?? "";
      departures.push(...described.problems(init.method ?? "GET", url, response.status, type, text));
      const where = scene.curl.slice(0, 160);
      expect(response.status, where).to.equal(scene.status);
      for (const [name, value] of scene.headers)
        expect(response.headers.get(name), `${where} ${name}`).to.equal(value);
      if (scene.excerpt !== undefined)
        expect(contains(JSON.parse(text), scene.excerpt), where).to.deep.equal([]);
    }
    expect(departures).to.deep.equal([]);
  });
});
