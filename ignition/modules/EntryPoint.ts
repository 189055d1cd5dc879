import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The ERC-4337 EntryPoint v0.8 (npm @account-abstraction/contracts), for a chain that has none: the local
 * chain of `npm start`, or a chain where the canonical deployment is missing (scripts/deploy/deploy-passkey-
 * accounts.ts looks for it first).
 */
export default buildModule("EntryPoint", (m) => {
  const entryPoint = m.contract("EntryPoint", []);
  return { entryPoint };
});
