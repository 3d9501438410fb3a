// Settings: the owner's time zone (proposed from the browser), sharing with their campus, and
// calendar feeds with a Subscribe link, a copyable URL, rotate and revoke.
import { useEffect, useState } from "preact/hooks";
import { type Apis, type Feed, type Preferences, need } from "./api";
import { archive } from "./archive";
import type { components } from "./generated/notifier";
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
      {preferences && (
        <PreferencesForm
          preferences={preferences}
          proposedZone={zone}
          onSave={(body) =>
            act(async () => {
              setPreferences(await need(apis.notifier.PATCH("/v1/preferences", { body })));
              return "Saved your preferences.";
            })
          }
        />
      )}
      {preferences && <Channels apis={apis} preferences={preferences} onChanged={load} act={act} />}
      {preferences && (
        <NetworkingStyle
          preferences={preferences}
          onSave={(body) =>
            act(async () => {
              setPreferences(await need(apis.notifier.PATCH("/v1/preferences", { body })));
              return "Saved how you like to network.";
            })
          }
        />
      )}
      <CampusSharing apis={apis} act={act} />
      <DownloadEverything apis={apis} act={act} />
      <EraseEverything apis={apis} act={act} />

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

type PreferencesIn = components["schemas"]["PreferencesIn"];
const hhmm = (value: string) => value.slice(0, 5);

function PreferencesForm(props: { preferences: Preferences; proposedZone: string; onSave: (body: PreferencesIn) => void }) {
  const p = props.preferences;
  const [zone, setZone] = useState(props.proposedZone);
  const [dayStart, setDayStart] = useState(hhmm(p.day_start));
  const [quietStart, setQuietStart] = useState(hhmm(p.quiet_hours.start));
  const [quietEnd, setQuietEnd] = useState(hhmm(p.quiet_hours.end));
  const [limit, setLimit] = useState(p.daily_limit);
  const [digest, setDigest] = useState(p.digest.enabled);
  const [digestTime, setDigestTime] = useState(hhmm(p.digest.time));
  const [cadence, setCadence] = useState(p.cadence);
  return (
    <form
      class="card"
      aria-label="How you are nudged"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave({
          timezone: zone,
          day_start: dayStart,
          quiet_hours: { start: quietStart, end: quietEnd },
          daily_limit: limit,
          digest: { enabled: digest, time: digestTime },
          cadence,
        });
      }}
    >
      <h2>How you are nudged</h2>
      <div class="row">
        <Field label="Time zone (IANA name)" hint={p.timezone !== props.proposedZone ? `Proposed from this browser: ${props.proposedZone}` : undefined}>
          <input required value={zone} onInput={(e) => setZone(e.currentTarget.value)} />
        </Field>
        <Field label="Your day starts at" hint="Up to 06:00: a meetup ending after midnight counts for the evening.">
          <input type="time" value={dayStart} onInput={(e) => setDayStart(e.currentTarget.value)} />
        </Field>
      </div>
      <div class="row">
        <Field label="Quiet from">
          <input type="time" value={quietStart} onInput={(e) => setQuietStart(e.currentTarget.value)} />
        </Field>
        <Field label="Quiet until">
          <input type="time" value={quietEnd} onInput={(e) => setQuietEnd(e.currentTarget.value)} />
        </Field>
        <Field label="At most this many nudges a day">
          <input type="number" min={1} max={50} value={limit} onInput={(e) => setLimit(Number(e.currentTarget.value))} />
        </Field>
      </div>
      <div class="row">
        <label class="check">
          <input type="checkbox" checked={digest} onChange={(e) => setDigest(e.currentTarget.checked)} /> One daily digest instead of single nudges
        </label>
        <Field label="Digest at">
          <input type="time" value={digestTime} onInput={(e) => setDigestTime(e.currentTarget.value)} />
        </Field>
      </div>
      <fieldset class="row">
        <legend>Keep in touch every … days</legend>
        {(["strong", "weak", "dormant"] as const).map((tie) => (
          <Field label={`${tie} ties`}>
            <input type="number" min={1} max={3650} value={cadence[tie]} onInput={(e) => setCadence({ ...cadence, [tie]: Number(e.currentTarget.value) })} />
          </Field>
        ))}
      </fieldset>
      <button type="submit">Save preferences</button>
    </form>
  );
}

function Channels(props: { apis: Apis; preferences: Preferences; onChanged: () => Promise<void>; act: (work: () => Promise<string>) => Promise<void> }) {
  const { apis, act } = props;
  const [name, setName] = useState("Email");
  const [url, setUrl] = useState("");
  const path = (id: string) => ({ params: { path: { channel_id: id } } });
  return (
    <div class="card">
      <h2>Where nudges go</h2>
      <ul class="feeds">
        {props.preferences.channels.map((channel) => (
          <li key={channel.id}>
            {channel.name} <small>({channel.url})</small> {channel.paused && <span class="badge">paused</span>}{" "}
            <button
              class="quiet"
              onClick={() =>
                act(async () => {
                  const result = await need(apis.notifier.POST("/v1/preferences/channels/{channel_id}/test", path(channel.id)));
                  return result.delivered ? `Test message sent to ${channel.name}.` : `The test failed: ${result.error ?? "no answer"}`;
                })
              }
            >
              Send a test
            </button>{" "}
            {channel.paused && (
              <button class="quiet" onClick={() => act(async () => { await need(apis.notifier.POST("/v1/preferences/channels/{channel_id}/resume", path(channel.id))); await props.onChanged(); return "Resumed."; })}>
                Resume
              </button>
            )}{" "}
            <button class="quiet" onClick={() => act(async () => { await need(apis.notifier.DELETE("/v1/preferences/channels/{channel_id}", path(channel.id))); await props.onChanged(); return `Removed ${channel.name}.`; })}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        class="row"
        aria-label="Add a channel"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            await need(apis.notifier.POST("/v1/preferences/channels", { body: { name, url } }));
            setUrl("");
            await props.onChanged();
            return `Added ${name}: send it a test.`;
          });
        }}
      >
        <Field label="Channel name">
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Address" hint="mailto://user:password@smtp.example.org?to=you@example.org, ntfy://ntfy.sh/your-topic …">
          <input required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        </Field>
        <button type="submit">Add channel</button>
      </form>
    </div>
  );
}

function CampusSharing({ apis, act }: { apis: Apis; act: (work: () => Promise<string>) => Promise<void> }) {
  const [sharing, setSharing] = useState<boolean | null>(null);
  useEffect(() => {
    need(apis.notifier.GET("/v1/campus-sharing")).then(
      (found) => setSharing(found.sharing),
      (error) => act(async () => Promise.reject(error)),
    );
  }, []);
  if (sharing === null) return null;
  return (
    <div class="card">
      <h2>Your campus</h2>
      <p>
        Career services see what students do only as counts and kinds under a pseudonym: how many conversations, with what kind of tie, answered or not, your
        streak milestones. Never a name, a note or anything you wrote. Campus events, mentor matches and advising appointments then come into your contacts by
        themselves. Off until you turn it on; turning it off stops it at once.
      </p>
      <label class="check">
        <input
          type="checkbox"
          checked={sharing}
          onChange={(e) => {
            const wanted = e.currentTarget.checked;
            void act(async () => {
              setSharing((await need(apis.notifier.PUT("/v1/campus-sharing", { body: { sharing: wanted } }))).sharing);
              return wanted ? "You share with your campus." : "You no longer share with your campus.";
            });
          }}
        />{" "}
        Share with my campus
      </label>
    </div>
  );
}

type Style = NonNullable<Preferences["networking_style"]>;

function NetworkingStyle({ preferences, onSave }: { preferences: Preferences; onSave: (body: { networking_style: Style }) => void }) {
  const [medium, setMedium] = useState<Style["medium"]>(preferences.networking_style?.medium ?? "online");
  const [size, setSize] = useState<Style["size"]>(preferences.networking_style?.size ?? "one_to_one");
  return (
    <form
      class="card"
      aria-label="How you like to network"
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ networking_style: { medium, size } });
      }}
    >
      <h2>How you like to network</h2>
      <p>Suggestions say how to reach out your way, and now and then propose one step outside it.</p>
      <Field label="Where">
        <select value={medium} onChange={(e) => setMedium(e.currentTarget.value as Style["medium"])}>
          <option value="online">Online</option>
          <option value="in_person">In person</option>
        </select>
      </Field>
      <Field label="With how many">
        <select value={size} onChange={(e) => setSize(e.currentTarget.value as Style["size"])}>
          <option value="one_to_one">One to one</option>
          <option value="groups">In groups</option>
        </select>
      </Field>
      <button type="submit">Save how I network</button>
    </form>
  );
}

function EraseEverything({ apis, act }: { apis: Apis; act: (work: () => Promise<string>) => Promise<void> }) {
  const [sure, setSure] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);

  async function follow() {
    for (let tries = 0; tries < 60; tries++) {
      const found = await need(apis.contacts.GET("/v1/erasure"));
      if (found.done) return setProgress("Everything is erased, in every part of KeepWarm.");
      setProgress(`Erasing… still waiting for: ${found.waiting_for.join(", ")}.`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  return (
    <div class="card">
      <h2>Erase everything</h2>
      <p>Deletes your contacts, conversations, follow-ups, habits, streaks, feeds, channels and settings from every part of KeepWarm. It cannot be undone.</p>
      <label class="check">
        <input type="checkbox" checked={sure} onChange={(e) => setSure(e.currentTarget.checked)} /> I understand: erase all my data
      </label>
      <button
        class="danger"
        disabled={!sure}
        onClick={() =>
          act(async () => {
            await need(apis.contacts.POST("/v1/erasure"));
            setSure(false);
            await follow();
            return "Your data was erased.";
          })
        }
      >
        Erase all my data
      </button>
      {progress && <p role="status">{progress}</p>}
    </div>
  );
}

function DownloadEverything({ apis, act }: { apis: Apis; act: (work: () => Promise<string>) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);

  return (
    <div class="card">
      <h2>Download all my data</h2>
      <p>
        One zip with everything KeepWarm holds about you: contacts, conversations, follow-ups, drafts, interviews, goals, habits, check-ins, streaks, prompts,
        nudges and deliveries, settings and feeds, as JSON with its schema, plus your contacts as CSV and vCard and your feeds as calendar files.
      </p>
      <button
        disabled={busy}
        onClick={() =>
          act(async () => {
            setBusy(true);
            try {
              const zip = await archive(apis, (step) =>
                setProgress(step.name ? `Gathering ${step.name} (${step.done + 1} of ${step.of})… ${Math.ceil(step.bytes / 1024)} KB` : "Packing the zip…"),
              );
              const link = document.createElement("a");
              link.href = URL.createObjectURL(new Blob([zip.slice().buffer as ArrayBuffer], { type: "application/zip" }));
              link.download = `keepwarm-${new Date().toISOString().slice(0, 10)}.zip`;
              link.click();
              URL.revokeObjectURL(link.href);
              setProgress(`Your archive is ready: ${Math.ceil(zip.length / 1024)} KB.`);
              return "Downloaded all your data.";
            } finally {
              setBusy(false);
            }
          })
        }
      >
        Download all my data
      </button>
      {progress && <p role="status">{progress}</p>}
    </div>
  );
}
