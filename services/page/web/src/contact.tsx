// A contact's page: who they are and how warm, their keep-alive prompt (snooze, dismiss, reset),
// the timeline of conversations with the takeaway first, their follow-ups, and logging a new one.
import { useEffect, useState } from "preact/hooks";
import { type Apis, type Contact, type FollowUp, type Interaction, type Prompt, need } from "./api";
import { Band, ContactForm } from "./contacts";
import { until } from "./fresh";
import { DraftsPanel, InterviewsPanel } from "./coaching";
import { LogForm } from "./log";
import { Status, errorText, when, words } from "./ui";

const ALL_PROMPTS = ["waiting", "due", "snoozed", "dismissed", "held"] as const;

export function ContactView({ apis, id, logNow = false }: { apis: Apis; id: string; logNow?: boolean }) {
  const [contact, setContact] = useState<Contact | null>(null);
  const [timeline, setTimeline] = useState<Interaction[]>([]);
  const [followUps, setFollowUps] = useState<FollowUp[]>([]);
  const [prompt, setPrompt] = useState<Prompt | null>(null);
  const [editing, setEditing] = useState(false);
  const [logging, setLogging] = useState(logNow);
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  const path = { params: { path: { contact_id: id } } };

  const readPrompt = async () =>
    (await need(apis.notifier.GET("/v1/prompts", { params: { query: { status: [...ALL_PROMPTS] } } }))).find((p) => p.contact_id === id) ?? null;

  async function load() {
    try {
      const [c, t, f, p] = await Promise.all([
        need(apis.contacts.GET("/v1/contacts/{contact_id}", path)),
        need(apis.contacts.GET("/v1/contacts/{contact_id}/interactions", path)),
        need(apis.contacts.GET("/v1/contacts/{contact_id}/follow-ups", { params: { path: { contact_id: id }, query: { status: "open" } } })),
        readPrompt(),
      ]);
      setContact(c);
      setTimeline(t);
      setFollowUps(f);
      setPrompt(p);
      if (!p) {
        // A contact added a moment ago reaches the notifier through the events: wait for it.
        const { value } = await until(readPrompt, (found) => found !== null);
        setPrompt(value);
      }
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  useEffect(() => {
    void load();
  }, [id]);

  const PROMPT_ACTIONS = {
    snooze: { message: "Snoozed for a week.", call: () => apis.notifier.POST("/v1/prompts/{contact_id}/snooze", { ...path, body: { days: 7 } }) },
    dismiss: { message: "Dismissed until you next talk.", call: () => apis.notifier.POST("/v1/prompts/{contact_id}/dismiss", path) },
    reset: { message: "Prompting again.", call: () => apis.notifier.POST("/v1/prompts/{contact_id}/reset", path) },
  };

  async function promptAction(action: keyof typeof PROMPT_ACTIONS) {
    try {
      setPrompt(await need(PROMPT_ACTIONS[action].call()));
      setStatus({ message: PROMPT_ACTIONS[action].message });
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  async function complete(followUp: FollowUp) {
    try {
      await need(apis.contacts.POST("/v1/follow-ups/{follow_up_id}/complete", { params: { path: { follow_up_id: followUp.id } } }));
      setFollowUps(followUps.filter((f) => f.id !== followUp.id));
      setStatus({ message: `Done: ${followUp.title}.` });
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  async function archive() {
    if (!confirm(`Archive ${contact?.name}? Their open follow-ups are cancelled; the history stays.`)) return;
    try {
      await need(apis.contacts.DELETE("/v1/contacts/{contact_id}", path));
      location.hash = "#/contacts";
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  async function forget(interaction: Interaction) {
    try {
      await need(apis.contacts.DELETE("/v1/interactions/{interaction_id}", { params: { path: { interaction_id: interaction.id } } }));
      setTimeline(timeline.filter((i) => i.id !== interaction.id));
      setStatus({ message: "Deleted the conversation; its check-in and the contact's warmth follow." });
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  if (!contact) return <section>{status ? <Status {...status} /> : <p>Loading…</p>}</section>;
  return (
    <section aria-labelledby="contact">
      <h1 id="contact">
        {contact.name} <Band contact={contact} />
      </h1>
      {status && <Status {...status} />}
      <p>
        {[contact.role, contact.company].filter(Boolean).join(" at ")} · {contact.tie} tie · {words(contact.category)} · in touch every{" "}
        {contact.cadence_days} days · due {when(contact.due_at)}
      </p>
      {contact.ask && <p>Your ask: {contact.ask}</p>}
      <div class="actions">
        <button onClick={() => setLogging(!logging)} aria-expanded={logging}>
          Log a conversation
        </button>
        <button class="quiet" onClick={() => setEditing(!editing)} aria-expanded={editing}>
          Edit
        </button>
        <button class="quiet" onClick={archive}>
          Archive
        </button>
      </div>
      {editing && (
        <ContactForm
          apis={apis}
          contact={contact}
          onSaved={(saved) => {
            setContact(saved);
            setEditing(false);
            setStatus({ message: "Saved." });
          }}
        />
      )}
      {logging && (
        <LogForm
          apis={apis}
          contactId={id}
          contactName={contact.name}
          onCancel={() => setLogging(false)}
          onLogged={async () => {
            setLogging(false);
            await load();
            // The prompt follows the contacts stream: wait for it rather than show the old one.
            setStatus({ message: "Logged; updating the prompt…" });
            const { value, settled } = await until(readPrompt, (p) => p?.last_interaction_at !== prompt?.last_interaction_at);
            setPrompt(value);
            setStatus({ message: settled ? "Logged." : "Logged. The prompt catches up in a moment." });
          }}
        />
      )}

      <h2>Keep-alive prompt</h2>
      {prompt ? (
        <div class="card">
          <p>
            <span class={`badge prompt-${prompt.status}`}>{prompt.status}</span> due {when(prompt.due_at)}
            {prompt.snoozed_until && ` · snoozed until ${when(prompt.snoozed_until)}`}
          </p>
          <p class="suggestion">Give first: {prompt.suggestion.text}</p>
          <div class="actions">
            {prompt.status === "due" && <button onClick={() => promptAction("snooze")}>Snooze a week</button>}
            {prompt.status === "due" && (
              <button class="quiet" onClick={() => promptAction("dismiss")}>
                Dismiss
              </button>
            )}
            {prompt.status === "held" && <button onClick={() => promptAction("reset")}>Reset</button>}
          </div>
        </div>
      ) : (
        <p class="empty" role="status">Updating: the prompt appears once the notifier has heard of this contact…</p>
      )}

      <DraftsPanel apis={apis} contact={contact} onSent={() => void load()} say={(message, error) => setStatus({ message, error })} />
      <InterviewsPanel apis={apis} contact={contact} onChanged={() => void load()} say={(message, error) => setStatus({ message, error })} />

      <h2>Follow-ups</h2>
      {followUps.length === 0 ? (
        <p class="empty">No open follow-up.</p>
      ) : (
        <ul class="cards">
          {followUps.map((f) => (
            <li class="card" key={f.id}>
              <p>
                <strong>{f.title}</strong> — due {when(f.due_at)}
              </p>
              <button onClick={() => complete(f)}>Done</button>
            </li>
          ))}
        </ul>
      )}

      <h2>Timeline</h2>
      {timeline.length === 0 ? (
        <p class="empty">No conversation logged yet.</p>
      ) : (
        <ol class="timeline">
          {timeline.map((i) => (
            <li key={i.id} class="card">
              {i.takeaway && <p class="takeaway">{i.takeaway}</p>}
              <p>
                {words(i.kind)} · {i.direction === "outbound" ? "you reached out" : "they reached out"} · {when(i.occurred_at)}
                {i.outcome && ` · ${words(i.outcome)}`}
              </p>
              <button class="quiet small" onClick={() => forget(i)} aria-label={`Delete the ${words(i.kind)} of ${when(i.occurred_at)}`}>
                Delete
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
