// Bundle the page into dist/: index.html, one script, one stylesheet.
import { cpSync, rmSync } from "node:fs";
import { build } from "esbuild";

const dist = new URL("../dist/", import.meta.url).pathname;
rmSync(dist, { recursive: true, force: true });
cpSync(new URL("../public/", import.meta.url).pathname, dist, { recursive: true });
await build({
  entryPoints: ["src/main.tsx"],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: "es2020",
  outfile: `${dist}assets/page.js`,
  jsx: "automatic",
  jsxImportSource: "preact",
  logLevel: "warning",
});
