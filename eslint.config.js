// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The server's layers, enforced (docs: README "Map", design brief §2). Data flows one way:
 * chain, IPFS -> indexer -> store -> verification -> the HTTP edge. The edge has a shared kit
 * (server/http) and three sibling route groups (server/api, server/issuer/api, server/web) that
 * never import each other; only server/app.ts and server/main.ts know every part.
 *
 * Imports are relative, so a rule names a folder by how far up server/ is from the importing file:
 * each rule is written once per depth (a file in server/web/pages/ reaches server/api as "../../api/").
 */
const MAX_DEPTH = 4;
const up = (depth) => "\\.\\./".repeat(depth);
/** An import of server/<target> (a folder, or a file without its .js) from `depth` folders below server/. */
const serverImport = (depth, target) => `^${up(depth)}${target.replace(/\./g, "\\.")}(?:/|\\.js$|$)`;

/**
 * Per folder under server/: `forbid` names folders of server/ it must not import, `forbidOwn` its own
 * subfolders it must not import, `except` its subfolders with rules of their own.
 */
const LAYERS = [
  {
    folder: "http",
    message: "server/http is the shared HTTP kit: it imports nothing of the server but errors.ts.",
    // Anything that climbs to server/ and is not errors.ts; bare packages other than express, zod and node: (types aside).
    patterns: (depth) => [
      {
        regex: `^${up(depth)}(?!errors\\.js$)`,
        message: "server/http imports only server/errors.ts from the server.",
      },
      {
        regex: "^(?!node:|express$|zod$|\\.\\.?/)",
        allowTypeImports: true,
        message: "server/http imports only express, zod and node built-ins.",
      },
    ],
  },
  {
    folder: "api",
    forbid: ["issuer", "web"],
    message:
      "server/api (the verifier's routes) never imports its siblings server/issuer or server/web: server/app.ts composes them.",
  },
  {
    folder: "web",
    forbid: ["api", "issuer"],
    message:
      "server/web (the pages) never imports its siblings server/api or server/issuer: server/app.ts composes them.",
  },
  {
    folder: "issuer/api",
    forbid: ["api", "web"],
    message:
      "server/issuer/api never imports its siblings server/api or server/web: server/app.ts composes them.",
  },
  {
    folder: "issuer",
    except: ["api"],
    forbid: ["api", "web", "http", "issuer/api"],
    forbidOwn: ["api"],
    message:
      "The issuer's workflows are shared by the CLI and the issuer API: no HTTP (server/http, server/api, server/web, server/issuer/api, express).",
    packages: ["express"],
  },
  ...["chain", "ipfs", "metadata", "indexer", "store", "verification"].map((folder) => ({
    folder,
    forbid: ["http", "api", "web", "issuer/api"],
    message: `server/${folder} is domain code: it never imports the HTTP edge (server/http, server/api, server/web, server/issuer/api).`,
  })),
];

function layerConfigs() {
  return LAYERS.flatMap((layer) => {
    const segments = layer.folder.split("/").length;
    return Array.from({ length: MAX_DEPTH }, (_, extra) => {
      const depth = segments + extra;
      const patterns = layer.patterns?.(depth) ?? [];
      for (const target of layer.forbid ?? [])
        patterns.push({ regex: serverImport(depth, target), message: layer.message });
      for (const sub of layer.forbidOwn ?? [])
        patterns.push({
          regex: `^${extra === 0 ? "\\./" : up(extra)}${sub}(?:/|\\.js$|$)`,
          message: layer.message,
        });
      for (const name of layer.packages ?? [])
        patterns.push({ regex: `^${name}(?:/|$)`, message: layer.message });
      return {
        files: [`server/${layer.folder}/${"*/".repeat(extra)}*.ts`],
        ignores: (layer.except ?? []).map((sub) => `server/${layer.folder}/${sub}/**`),
        rules: { "no-restricted-imports": ["error", { patterns }] },
      };
    });
  });
}

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "artifacts/",
      "cache/",
      "coverage/",
      "types/",
      "dist/",
      ".hallmark/",
      "ignition/deployments/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.js", "scripts/cli/bin.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "describe", property: "only", message: "Focused tests must not be committed." },
        { object: "it", property: "only", message: "Focused tests must not be committed." },
      ],
      // chai's property assertions (expect(x).to.be.true) read as unused expressions.
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
  ...layerConfigs(),
  { files: ["eslint.config.js", "scripts/cli/bin.js"], ...tseslint.configs.disableTypeChecked },
);
