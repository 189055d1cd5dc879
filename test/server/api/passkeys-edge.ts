import { expect } from "chai";
import { buildStack, getJson, postJson } from "./stack.js";
import type { Stack } from "./stack.js";

/**
 * The passkey routes at their edge: a deployment made before passkey accounts answers what it can and
 * refuses the rest with a stable type, and malformed bodies are 400s naming the field, never 500s.
 */
describe("Passkey routes without passkey contracts, and with malformed input (#17)", function () {
  let stack: Stack;

  before(async function () {
    stack = await buildStack();
  });

  after(async function () {
    await stack?.close();
  });

  it("answers the config with no passkey contracts and no relaying", async function () {
    const { status, body } = await getJson(`${stack.url}/v1/passkeys/config`);
    expect(status).to.equal(200);
    expect(body).to.include({ entryPoint: null, factory: null, paymaster: null, relaying: false });
  });

  it("refuses registration and operations with 422 passkeys-unavailable", async function () {
    const options = await postJson(`${stack.url}/v1/passkeys/registration-options`, {});
    expect(options.status).to.equal(422);
    expect(options.body.type).to.match(/passkeys-unavailable$/);
    const prepared = await postJson(`${stack.url}/v1/operations/prepare`, {
      account: stack.alice.address,
      action: { type: "cancelRecovery" },
    });
    expect(prepared.status).to.equal(422);
    expect(prepared.body.type).to.match(/passkeys-unavailable$/);
  });

  for (const [route, body, field] of [
    ["/v1/operations/prepare", { account: "0x1234", action: { type: "cancelRecovery" } }, "body.account"],
    [
      "/v1/operations/prepare",
      { account: "0x000000000000000000000000000000000000dEaD", action: { type: "selfDestruct" } },
      "body.action.type",
    ],
    [
      "/v1/operations/prepare",
      {
        account: "0x000000000000000000000000000000000000dEaD",
        action: { type: "setRecovery", recoverer: "0x000000000000000000000000000000000000dEaD", delay: -1 },
      },
      "body.action.delay",
    ],
    ["/v1/operations", { operation: {}, assertion: {} }, "body.operation.sender"],
    ["/v1/passkeys/registrations", { response: { id: "not base64url!" } }, "body.response.id"],
    ["/v1/ownership/challenges/0x" + "ab".repeat(32) + "/passkey", { credentialId: "" }, "body.credentialId"],
  ] as const) {
    it(`answers 400 naming ${field} for a malformed ${route} body`, async function () {
      const answer = await postJson<{ type: string; errors?: { path: string }[] }>(
        `${stack.url}${route}`,
        body,
      );
      expect(answer.status).to.equal(400);
      expect(answer.body.errors?.map((detail) => detail.path)).to.include(field);
    });
  }

  it("answers a credential lookup with 422 passkeys-unavailable (nothing can be registered here)", async function () {
    const { status, body } = await getJson(`${stack.url}/v1/passkeys/credentials/AAAA`);
    expect(status).to.equal(422);
    expect(body.type).to.match(/passkeys-unavailable$/);
  });
});
