// ESLint (flat config) for the repository's own JavaScript: the chart component that
// perceptron/web/chart.py sends to the browser, and its Node tests. `npx eslint .`
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";

export default defineConfig([
  // static/ holds the vendored plotly.js bundle (minified, not ours)
  globalIgnores(["static/", "node_modules/", "artifacts/"]),
  {
    files: ["**/*.js", "**/*.mjs"],
    plugins: { js },
    extends: ["js/recommended"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    // the component runs in the browser page (st.components.v2, not sandboxed)
    files: ["perceptron/web/**/*.js"],
    ignores: ["perceptron/web/chart_logic.js", "perceptron/web/forward.js", "perceptron/web/redraw.js"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // the pure modules run in the browser and in Node's test runner: only what both have (no DOM)
    files: ["perceptron/web/chart_logic.js", "perceptron/web/forward.js", "perceptron/web/redraw.js"],
    languageOptions: { globals: { ...globals["shared-node-browser"] } },
  },
  {
    files: ["tests/js/**", "eslint.config.js"],
    languageOptions: { globals: { ...globals.node } },
  },
]);
