// A campus tool KeepWarm did not write publishes to KeepWarm's inbound campus topic with KafkaJS,
// as the committed contracts describe: each body is checked against the JSON Schema of its
// ce_type (Ajv, 2020-12) before it is sent, and sent in CloudEvents binary mode, keyed by the
// student. A record marked "careless" is sent unchecked (what a broken tool would do).
//   node campus_publish.mjs <bootstrap> <topic> <schemas dir> <records.json>
// records.json: [{key, id, type, source, time, data, careless?}]; prints {"sentAt": <ms>}.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { Kafka, logLevel } from "kafkajs";

const [bootstrap, topic, schemasDir, recordsFile] = process.argv.slice(2);
const records = JSON.parse(readFileSync(recordsFile, "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addKeyword("x-cloudevents-type");

const validators = new Map();
function validator(type) {
  if (!validators.has(type)) {
    validators.set(type, ajv.compile(JSON.parse(readFileSync(join(schemasDir, `${type}.json`), "utf8"))));
  }
  return validators.get(type);
}

const messages = records.map((record) => {
  if (!record.careless) {
    const check = validator(record.type);
    if (!check(record.data)) {
      process.stderr.write(`${record.type} does not match its schema: ${JSON.stringify(check.errors)}\n`);
      process.exit(3);
    }
  }
  return {
    key: record.key,
    value: JSON.stringify(record.data),
    headers: {
      ce_specversion: "1.0",
      ce_id: record.id,
      ce_source: record.source,
      ce_type: record.type,
      ce_time: record.time,
      "content-type": "application/json",
    },
  };
});

const kafka = new Kafka({ clientId: "campus-publisher", brokers: [bootstrap], logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const sentAt = Date.now();
await producer.send({ topic, acks: -1, messages });
await producer.disconnect();
process.stdout.write(JSON.stringify({ sentAt, sent: messages.length }) + "\n");
