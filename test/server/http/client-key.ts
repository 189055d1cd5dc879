import { expect } from "chai";
import { clientKeyOf } from "../../../server/http/client-key.js";

describe("clientKeyOf", function () {
  it("counts an IPv4 address (also IPv4-mapped) as itself", function () {
    expect(clientKeyOf("203.0.113.9")).to.equal("203.0.113.9");
    expect(clientKeyOf("::ffff:203.0.113.9")).to.equal("203.0.113.9");
  });

  it("counts every address of an IPv6 /64 as one client", function () {
    expect(clientKeyOf("2001:db8:1:2::1")).to.equal("2001:db8:1:2::/64");
    expect(clientKeyOf("2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd")).to.equal("2001:db8:1:2::/64");
    expect(clientKeyOf("2001:db8::1")).to.equal("2001:db8:0:0::/64");
    expect(clientKeyOf("fe80::1%eth0")).to.equal("fe80:0:0:0::/64");
    expect(clientKeyOf("::1")).to.equal("0:0:0:0::/64");
  });

  it("has a key for a request without an address", function () {
    expect(clientKeyOf(undefined)).to.equal("unknown");
  });
});
