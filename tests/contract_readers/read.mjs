// Reads KeepWarm's committed contracts with tools we did not write, and prints what they found
// as JSON on stdout:
//   node read.mjs asyncapi <file>...   the reference AsyncAPI parser (@asyncapi/parser): each
//                                      document's diagnostics (errors, warnings) and its messages
//   node read.mjs schemas <file>...    Ajv (JSON Schema 2020-12, strict): each schema compiled,
//                                      or the reason it cannot be
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [mode, ...files] = process.argv.slice(2);
const SEVERITY = ["error", "warning", "info", "hint"];

async function readAsyncApi(file) {
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"));
  return {
    file,
    parsed: document !== undefined,
    diagnostics: diagnostics.map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      code: String(d.code),
      message: d.message,
      path: d.path.join("/"),
    })),
    messages: document
      ? document
          .allMessages()
          .all()
          .map((m) => ({
            name: m.name() ?? null,
            payload: m.hasPayload() ? m.payload().type() ?? "object" : null,
            headers: m.hasHeaders() ? Object.keys(m.headers().properties()) : [],
          }))
      : [],
  };
}

function readSchema(file) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addKeyword("x-cloudevents-type");
  try {
    ajv.compile(JSON.parse(readFileSync(file, "utf8")));
    return { file, compiled: true };
  } catch (error) {
    return { file, compiled: false, error: String(error.message ?? error) };
  }
}

const found =
  mode === "asyncapi" ? await Promise.all(files.map(readAsyncApi)) : files.map(readSchema);
process.stdout.write(JSON.stringify(found));
