import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Passkey accounts for a deployed brand group (issue #17): the account factory, bound to an EntryPoint v0.8,
 * and the paymaster that sponsors passkey accounts' calls to the group's certificate and garment contracts.
 * Parameters: the EntryPoint and the group's registry, certificate and garments addresses; the paymaster's
 * daily limits; `deposit`, wei put on the paymaster's EntryPoint deposit (default none).
 */
export default buildModule("PasskeyAccounts", (m) => {
  const entryPoint = m.getParameter<string>("entryPoint");
  const registry = m.getParameter<string>("registry");
  const certificate = m.getParameter<string>("certificate");
  const garments = m.getParameter<string>("garments");
  const limits = {
    opsPerAccountPerDay: m.getParameter("opsPerAccountPerDay", 20n),
    opsPerBrandPerDay: m.getParameter("opsPerBrandPerDay", 10_000n),
    maxCostPerOp: m.getParameter("maxCostPerOp", 10n ** 16n),
  };
  const factory = m.contract("HallmarkPasskeyAccountFactory", [entryPoint]);
  const paymaster = m.contract("HallmarkPaymaster", [
    entryPoint,
    registry,
    certificate,
    garments,
    factory,
    limits,
  ]);
  const deposit = m.getParameter("deposit", 0n);
  m.call(paymaster, "deposit", [], { value: deposit });
  return { factory, paymaster };
});
