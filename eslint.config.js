// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "artifacts/", "cache/", "coverage/", "types/", "dist/", ".hallmark/", "ignition/deployments/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["eslint.config.js", "scripts/cli/bin.js"] }, tsconfigRootDir: import.meta.dirname },
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
  { files: ["eslint.config.js", "scripts/cli/bin.js"], ...tseslint.configs.disableTypeChecked },
);
