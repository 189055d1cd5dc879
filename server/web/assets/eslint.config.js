// Browser scripts served as-is (no build step): plain JavaScript rules, browser globals.
import js from "@eslint/js";

export default [
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: {
        window: "readonly",
        document: "readonly",
        location: "readonly",
        history: "readonly",
        navigator: "readonly",
        localStorage: "readonly",
        fetch: "readonly",
        console: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        URLSearchParams: "readonly",
        URL: "readonly",
        Blob: "readonly",
        atob: "readonly",
        btoa: "readonly",
        crypto: "readonly",
      },
    },
  },
];
