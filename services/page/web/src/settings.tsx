// Settings: the owner's time zone (proposed from the browser), and calendar feeds with a Subscribe
// link, a copyable URL, rotate and revoke.
import { useEffect, useState } from "preact/hooks";
import { type Apis, type Feed, type Preferences, need } from "./api";
import { Field, Status, errorText } from "./ui";

interface Issued {
  name: string;
  url: string;
  webcal_url: string;
}

export function SettingsView({ apis }: { apis: Apis }) {
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const [zone, setZone] = useState("");
  const [feeds, setFeeds] = useState<Feed[]>([]);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [feedName, setFeedName] = useState("Networking");
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  async function load() {
    try {
      const [p, f] = await Promise.all([need(apis.notifier.GET("/v1/preferences")), need(apis.notifier.GET("/v1/calendar-feeds"))]);
      setPreferences(p);
      setZone(p.timezone === "UTC" && browserZone ? browserZone : p.timezone);
      setFeeds(f);
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }
  useEffect(() => void load(), []);

  async function act(work: () => Promise<string>) {
    try {
      setStatus({ message: await work() });
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  return (
    <section aria-labelledby="settings">
      <h1 id="settings">Settings</h1>
      {status && <Status {...status} />}
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            setPreferences(await need(apis.notifier.PATCH("/v1/preferences", { body: { timezone: zone } })));
            return `Your time zone is ${zone}.`;
          });
        }}
      >
        <h2>Your time zone</h2>
        <Field label="Time zone (IANA name)" hint={preferences?.timezone === "UTC" && browserZone ? `Proposed from this browser: ${browserZone}` : undefined}>
          <input required value={zone} onInput={(e) => setZone(e.currentTarget.value)} />
        </Field>
        <button type="submit">Save time zone</button>
      </form>

      <div class="card">
        <h2>Calendar feeds</h2>
        <p>
          Subscribe once and follow-ups and habit reminders appear in your calendar app. Google Calendar refreshes subscribed feeds only every several hours, so
          urgent things also come as nudges.
        </p>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              const feed = await need(apis.notifier.POST("/v1/calendar-feeds", { body: { name: feedName.trim() || "Networking" } }));
              setIssued({ name: feed.name, url: feed.url, webcal_url: feed.webcal_url });
              await load();
              return `Feed “${feed.name}” created: subscribe now, its address is shown only once.`;
            });
          }}
        >
          <Field label="Feed name">
            <input maxLength={100} value={feedName} onInput={(e) => setFeedName(e.currentTarget.value)} />
          </Field>
          <button type="submit">New feed</button>
        </form>
        {issued && (
          <div class="issued" aria-label="Your new feed">
            <a class="button" href={issued.webcal_url}>
              Subscribe to “{issued.name}”
            </a>
            <Field label="Or copy this address into your calendar app">
              <input readOnly value={issued.url} onFocus={(e) => e.currentTarget.select()} />
            </Field>
            <button class="quiet" onClick={() => act(async () => { await navigator.clipboard.writeText(issued.url); return "Copied."; })}>
              Copy address
            </button>
          </div>
        )}
        <ul class="feeds">
          {feeds.map((feed) => (
            <li key={feed.id}>
              {feed.name} <small>({feed.token_hint})</small>{" "}
              <button
                class="quiet"
                onClick={() =>
                  act(async () => {
                    const rotated = await need(apis.notifier.POST("/v1/calendar-feeds/{feed_id}/rotate", { params: { path: { feed_id: feed.id } } }));
                    setIssued({ name: rotated.name, url: rotated.url, webcal_url: rotated.webcal_url });
                    await load();
                    return "New address: the old one stopped working.";
                  })
                }
              >
                Rotate
              </button>{" "}
              <button
                class="quiet"
                onClick={() =>
                  act(async () => {
                    await need(apis.notifier.DELETE("/v1/calendar-feeds/{feed_id}", { params: { path: { feed_id: feed.id } } }));
                    setIssued(null);
                    await load();
                    return `Feed “${feed.name}” revoked.`;
                  })
                }
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
