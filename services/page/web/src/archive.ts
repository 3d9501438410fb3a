// Everything KeepWarm holds about the student, in one zip: each service's part as JSON (with the
// JSON Schema it follows), the contacts as CSV and vCard, and each live calendar feed as .ics.
// Every part comes from its own service's API; the page only puts them together.
import { zipSync } from "fflate";
import { ApiError, type Apis, need } from "./api";

export interface Step {
  name: string;
  done: number;
  of: number;
  bytes: number;
}

interface Answer {
  response: Response;
}

const README = `KeepWarm archive

<service>.json   everything that service holds about you (format keepwarm.export.v1):
                 {"format", "service", "owner_id", "exported_at", "tables": {table: [row, ...]}}
schemas/         the JSON Schema (2020-12) each of those files follows
contacts.csv     your contacts, as a spreadsheet
contacts.vcf     your contacts, as vCard 4.0 (for an address book)
feeds/*.ics      each calendar feed as it is now (iCalendar)

Secrets are left out: notification channel addresses appear masked, and calendar feeds
without their secret links.
`;

async function bytesOf(answer: Promise<Answer>, onBytes: (count: number) => void): Promise<Uint8Array> {
  const { response } = await answer;
  if (!response.ok || !response.body) throw new ApiError(`The export failed (${response.status}).`, response.status);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
    onBytes(total);
  }
  const whole = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return whole;
}

/** The archive's files, fetched one after the other; ``progress`` hears of each step. */
export async function archive(apis: Apis, progress: (step: Step) => void): Promise<Uint8Array> {
  const feeds = await need(apis.notifier.GET("/v1/calendar-feeds"));
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2) + "\n");
  const parts: [string, () => Promise<Answer>][] = [
    ["contacts.json", () => apis.contacts.GET("/v1/export", { parseAs: "stream" })],
    ["habits.json", () => apis.habits.GET("/v1/export", { parseAs: "stream" })],
    ["notifier.json", () => apis.notifier.GET("/v1/export", { parseAs: "stream" })],
    ["contacts.csv", () => apis.contacts.GET("/v1/exports/contacts.csv", { parseAs: "stream" })],
    ["contacts.vcf", () => apis.contacts.GET("/v1/exports/contacts.vcf", { parseAs: "stream" })],
    ...feeds.map(
      (feed): [string, () => Promise<Answer>] => [
        `feeds/${feed.name.replace(/[^\w -]+/g, "_")}-${feed.id.slice(0, 8)}.ics`,
        () => apis.notifier.GET("/v1/calendar-feeds/{feed_id}/calendar.ics", { params: { path: { feed_id: feed.id } }, parseAs: "stream" }),
      ],
    ),
  ];
  const files: Record<string, Uint8Array> = { "README.txt": new TextEncoder().encode(README) };
  for (const [index, [name, fetchPart]] of parts.entries()) {
    progress({ name, done: index, of: parts.length, bytes: 0 });
    files[name] = await bytesOf(fetchPart(), (bytes) => progress({ name, done: index, of: parts.length, bytes }));
  }
  const schemas = await Promise.all([
    need(apis.contacts.GET("/v1/export/schema")),
    need(apis.habits.GET("/v1/export/schema")),
    need(apis.notifier.GET("/v1/export/schema")),
  ]);
  ["contacts", "habits", "notifier"].forEach((service, i) => (files[`schemas/${service}.schema.json`] = text(schemas[i])));
  progress({ name: "", done: parts.length, of: parts.length, bytes: 0 });
  return zipSync(files, { level: 6 });
}
