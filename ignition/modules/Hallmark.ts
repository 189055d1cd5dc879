import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys a brand group: the registry (group admin = the deployer unless `groupAdmin` is set, handed over
 * in two steps after `adminDelay` seconds) the certificate contract and the garment contract bound to it.
 */
export default buildModule("Hallmark", (m) => {
  const groupAdmin = m.getParameter("groupAdmin", m.getAccount(0));
  const adminDelay = m.getParameter("adminDelay", 2n * 24n * 60n * 60n);
  const registry = m.contract("BrandRegistry", [adminDelay, groupAdmin]);
  const certificate = m.contract("HallmarkCertificate", [registry]);
  const garments = m.contract("HallmarkGarments", [registry, certificate]);
  return { registry, certificate, garments };
});
