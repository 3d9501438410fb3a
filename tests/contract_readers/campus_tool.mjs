// A campus tool KeepWarm did not write: it reads a KeepWarm topic with KafkaJS and checks every
// record against the committed contracts alone — the body against the JSON Schema of its
// ce_type (Ajv, 2020-12), the headers against the CloudEvents headers of that message in the
// AsyncAPI document. Prints one line of JSON per record read:
//   node campus_tool.mjs <bootstrap> <topic> <count> <asyncapi.json> <schemas dir>
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { Kafka, logLevel } from "kafkajs";

const [bootstrap, topic, count, asyncapiFile, schemasDir] = process.argv.slice(2);
const wanted = Number(count);
const document = JSON.parse(readFileSync(asyncapiFile, "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addKeyword("x-cloudevents-type");
const bodies = new Map();
const headers = new Map();

function bodyValidator(type) {
  if (!bodies.has(type)) {
    const file = join(schemasDir, `${type}.json`);
    bodies.set(type, ajv.compile(JSON.parse(readFileSync(file, "utf8"))));
  }
  return bodies.get(type);
}

function headersValidator(type) {
  if (!headers.has(type)) {
    const message = document.components.messages[type];
    headers.set(type, message ? ajv.compile(message.headers) : null);
  }
  return headers.get(type);
}

const kafka = new Kafka({ clientId: "campus-tool", brokers: [bootstrap], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: `campus-tool-${process.pid}-${Date.now()}` });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let seen = 0;
const done = new Promise((resolve) => {
  consumer.run({
    eachMessage: async ({ partition, message }) => {
      const attributes = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, value.toString("utf8")]),
      );
      const type = attributes.ce_type;
      const checkHeaders = headersValidator(type);
      let body = null;
      let bodyErrors = [];
      try {
        body = JSON.parse(message.value.toString("utf8"));
        const checkBody = bodyValidator(type);
        if (!checkBody(body)) bodyErrors = checkBody.errors;
      } catch (error) {
        bodyErrors = [String(error.message ?? error)];
      }
      const headerErrors = checkHeaders === null ? ["no such message in the AsyncAPI document"]
        : checkHeaders(attributes) ? [] : checkHeaders.errors;
      process.stdout.write(JSON.stringify({
        partition, key: message.key?.toString("utf8") ?? null, type,
        sequence: attributes.ce_sequence ?? null, bodyErrors, headerErrors,
      }) + "\n");
      seen += 1;
      if (seen >= wanted) resolve();
    },
  });
});
const timer = setTimeout(() => { process.stderr.write(`only ${seen} of ${wanted} records\n`); process.exit(2); }, 60000);
await done;
clearTimeout(timer);
await consumer.disconnect();
