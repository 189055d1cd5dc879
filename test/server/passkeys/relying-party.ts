import { expect } from "chai";
import { relyingPartyOf } from "../../../server/passkeys/relying-party.js";

describe("relyingPartyOf (the WebAuthn RP a verifier is)", function () {
  it("takes the public URL's host as RP id and its origin, port included", function () {
    expect(relyingPartyOf("https://verify.maison.example/")).to.include({
      rpId: "verify.maison.example",
      origin: "https://verify.maison.example",
    });
    expect(relyingPartyOf("http://localhost:8080/x")).to.include({
      rpId: "localhost",
      origin: "http://localhost:8080",
    });
  });

  it("serves a loopback address as localhost, since browsers refuse an IP address as RP id", function () {
    expect(relyingPartyOf("http://127.0.0.1:8080")).to.include({
      rpId: "localhost",
      origin: "http://localhost:8080",
    });
    expect(relyingPartyOf("http://[::1]:8080")).to.include({
      rpId: "localhost",
      origin: "http://localhost:8080",
    });
  });
});
