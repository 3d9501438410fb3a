// API types from the services' committed OpenAPI documents: an API change that breaks the page
// fails `tsc` and so the build.
import { mkdirSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

const out = new URL("../src/generated/", import.meta.url);
mkdirSync(out, { recursive: true });
for (const service of ["contacts", "habits", "notifier"]) {
  const document = new URL(`../../../../shared/contracts/openapi/${service}.json`, import.meta.url);
  // A field with a default may be left out of a request.
  const ast = await openapiTS(document, { defaultNonNullable: false });
  writeFileSync(new URL(`${service}.ts`, out), `// Generated from ${service}.json: do not edit.\n${astToString(ast)}`);
}
