import { expect } from "chai";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ensureNginx, nginxConfig, startLoadBalancer } from "../../../scripts/fleet/load-balancer.js";
import type { LoadBalancer } from "../../../scripts/fleet/load-balancer.js";
import { freePort } from "../../../scripts/fleet/ports.js";

/** A stand-in verifier: answers its name, the forwarded client address, and streams on /v1/events. */
async function upstream(name: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url === "/v1/events") {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(`id: 1\ndata: ${name}\n\n`); // Must reach the client now, not when the stream ends.
      return;
    }
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ name, forwardedFor: request.headers["x-forwarded-for"] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("the fleet's load balancer (scripts/fleet/load-balancer.ts)", function () {
  this.timeout(30_000);
  let upstreams: { url: string; server: Server }[];
  let balancer: LoadBalancer;

  before(async function () {
    const nginx = ensureNginx(() => undefined);
    if (nginx === null) throw new Error("nginx is not installed: run: npm run test:services");
    upstreams = await Promise.all(["one", "two", "three"].map(upstream));
    balancer = await startLoadBalancer(nginx, {
      port: await freePort(18_080),
      upstreams: upstreams.map((u) => u.url),
      perClientPerSecond: 10_000,
      output: "ignore",
    });
  });

  after(async function () {
    await balancer?.stop();
    for (const u of upstreams ?? []) u.server.closeAllConnections();
    await Promise.all((upstreams ?? []).map((u) => new Promise((resolve) => u.server.close(resolve))));
  });

  it("spreads requests over every verifier", async function () {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const body = (await (await fetch(`${balancer.url}/v1/certificates/1`)).json()) as { name: string };
      seen.add(body.name);
    }
    expect([...seen].sort()).to.deep.equal(["one", "three", "two"]);
  });

  it("overwrites X-Forwarded-For with the client's address: a client cannot plant one", async function () {
    const response = await fetch(`${balancer.url}/x`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(((await response.json()) as { forwardedFor: string }).forwardedFor).to.equal("127.0.0.1");
  });

  it("streams server-sent events unbuffered", async function () {
    const response = await fetch(`${balancer.url}/v1/events`);
    const reader = response.body!.getReader();
    const first = await Promise.race([
      reader.read() as Promise<{ done: boolean; value?: Uint8Array }>,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000)),
    ]);
    expect(first, "the first event arrived while the stream is open").to.not.equal(null);
    expect(new TextDecoder().decode(first!.value)).to.match(/^id: 1\ndata: (one|two|three)\n\n/);
    await reader.cancel();
  });

  it("answers every GET when a verifier dies: it retries on the next one", async function () {
    const dead = upstreams[1];
    dead.server.closeAllConnections();
    await new Promise((resolve) => dead.server.close(resolve));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await fetch(`${balancer.url}/v1/certificates/2`)).status);
    expect(statuses.every((status) => status === 200)).to.equal(true);
  });

  it("generates a configuration whose paths all stay in its own directory", function () {
    const config = nginxConfig("/tmp/fleet-x", {
      port: 8080,
      upstreams: ["http://127.0.0.1:8081"],
      perClientPerSecond: 30,
    });
    expect(config).to.match(/listen 127\.0\.0\.1:8080;/);
    expect(config).to.match(/server 127\.0\.0\.1:8081 /);
    expect(config).to.match(/rate=30r\/s/);
    for (const line of config.split("\n").filter((l) => /_path |^pid /.test(l.trim()))) {
      expect(line).to.include("/tmp/fleet-x/");
    }
  });
});
