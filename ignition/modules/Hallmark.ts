import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys a brand group: the registry (group admin = the deployer unless `groupAdmin` is set, handed over
 * in two steps after `adminDelay` seconds) the certificate contract and the garment contract bound to it,
 * then links the garments as the certificates' twin contract. The deployer (account 0) makes that link: the
 * certificate contract lets its deployer link a twin contract once, whoever the group admin is.
 */
export default buildModule("Hallmark", (m) => {
  const groupAdmin = m.getParameter("groupAdmin", m.getAccount(0));
  const adminDelay = m.getParameter("adminDelay", 2n * 24n * 60n * 60n);
  const registry = m.contract("BrandRegistry", [adminDelay, groupAdmin]);
  const certificate = m.contract("HallmarkCertificate", [registry]);
  const garments = m.contract("HallmarkGarments", [registry, certificate]);
  m.call(certificate, "setTwinContract", [garments]);
  return { registry, certificate, garments };
});
