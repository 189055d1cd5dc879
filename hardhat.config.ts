import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    // The ERC-4337 EntryPoint v0.8, deployed by tests, `npm start` and `npm run deploy` where a chain has none.
    npmFilesToBuild: ["@account-abstraction/contracts/core/EntryPoint.sol"],
    profiles: {
      default: {
        // The compiler comes from the `solc` npm package (WASM), so a fresh clone
        // compiles offline. Keep `version` equal to the installed `solc` version.
        version: "0.8.30",
        path: require.resolve("solc/soljson.js"),
        settings: { optimizer: { enabled: true, runs: 200 }, viaIR: false },
      },
    },
  },
  test: {
    solidity: {
      fuzz: { runs: process.env.CI ? 1024 : 256 },
      // Each invariant_* function is its own campaign of runs x depth handler calls (EDR's default, 256 x 500,
      // takes minutes per function).
      invariant: { runs: process.env.CI ? 256 : 64, depth: 100 },
    },
    mocha: { timeout: 120_000 },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    remote: {
      type: "http",
      chainType: "l1",
      url: configVariable("HALLMARK_RPC_URL"),
      accounts: [configVariable("HALLMARK_DEPLOYER_KEY")],
    },
  },
});
