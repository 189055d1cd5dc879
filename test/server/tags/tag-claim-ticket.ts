import { expect } from "chai";
import { ExpiredError } from "../../../server/errors.js";
import {
  InvalidTagClaimTicketError,
  issueTagClaimTicket,
  openTagClaimTicket,
} from "../../../server/tags/tag-claim-ticket.js";
import { TagOracleKey } from "../../../server/tags/tag-keystore.js";

const ORACLE = new TagOracleKey(Buffer.alloc(32, 0x21));
const OTHER_ORACLE = new TagOracleKey(Buffer.alloc(32, 0x22));
const TOKEN = 26959946667150639794667015087019630673637144422540572481103610249217n;

describe("tag claim tickets (server/tags/tag-claim-ticket.ts)", () => {
  const ticket = issueTagClaimTicket(ORACLE, { tokenId: TOKEN, counter: 42, expiresAt: 1_900_000_600 });

  it("opens to its counter and lapse time for the certificate it was made for", () => {
    expect(openTagClaimTicket(ORACLE, TOKEN, ticket, 1_900_000_000)).to.deep.equal({
      tokenId: TOKEN,
      counter: 42,
      expiresAt: 1_900_000_600,
    });
  });

  it("opens at its last second and is refused as expired after it", () => {
    expect(openTagClaimTicket(ORACLE, TOKEN, ticket, 1_900_000_600).counter).to.equal(42);
    expect(() => openTagClaimTicket(ORACLE, TOKEN, ticket, 1_900_000_601)).to.throw(ExpiredError);
  });

  it("refuses a ticket with another counter or lapse time written in", () => {
    const [, , mac] = ticket.split(".");
    expect(() => openTagClaimTicket(ORACLE, TOKEN, `43.1900000600.${mac}`, 0)).to.throw(
      InvalidTagClaimTicketError,
    );
    expect(() => openTagClaimTicket(ORACLE, TOKEN, `42.1900009999.${mac}`, 0)).to.throw(
      InvalidTagClaimTicketError,
    );
  });

  it("refuses it for another certificate, and under another brand's oracle", () => {
    expect(() => openTagClaimTicket(ORACLE, TOKEN + 1n, ticket, 0)).to.throw(InvalidTagClaimTicketError);
    expect(() => openTagClaimTicket(OTHER_ORACLE, TOKEN, ticket, 0)).to.throw(InvalidTagClaimTicketError);
  });

  it("refuses text that is not a ticket", () => {
    for (const text of ["", "42", "42.1900000600.short", `x.1.${"A".repeat(43)}`])
      expect(() => openTagClaimTicket(ORACLE, TOKEN, text, 0)).to.throw(InvalidTagClaimTicketError);
  });
});
