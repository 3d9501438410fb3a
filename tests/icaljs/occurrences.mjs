// Reads an iCalendar feed on stdin the way Thunderbird does (ical.js) and prints, as JSON, every
// event with its occurrences between two UTC instants (argv: first, last; ISO 8601), in UTC.
// The feed's own VTIMEZONE blocks are the only zone data: nothing else is registered.
import ICAL from "ical.js";

const [first, last] = process.argv.slice(2).map((text) => Date.parse(text) / 1000);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const calendar = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));

for (const block of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(block);
}

const events = [];
for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  const occurrences = [];
  const iterator = event.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    const at = next.toUnixTime();
    if (at > last) break;
    if (at >= first) occurrences.push(new Date(at * 1000).toISOString());
    if (!event.isRecurring()) break;
  }
  events.push({ uid: event.uid, summary: event.summary, occurrences });
}
process.stdout.write(JSON.stringify(events));
