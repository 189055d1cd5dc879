import { isIPv6 } from "node:net";

/**
 * The client a per-client bound counts against: the IPv4 address, or the /64 network of an IPv6
 * address (one host or home usually holds a whole /64, so per-address counting is no bound).
 */
export function clientKeyOf(ip: string | undefined): string {
  if (ip === undefined || ip === "") return "unknown";
  const address = ip.split("%")[0]; // A zone id (fe80::1%eth0) names an interface, not a client.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped !== null) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}
