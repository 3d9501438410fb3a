// Log a conversation in one form: kind, direction, when (backdate it), outcome, the one takeaway,
// and the follow-up it ends in. Open, fill, save: three steps from Today or from the contact.
import { useState } from "preact/hooks";
import { type Apis, type Interaction, type Kind, type Outcome, need } from "./api";
import { Field, Status, errorText, localNow, moment, words } from "./ui";

const KINDS: Kind[] = [
  "coffee_or_call",
  "message",
  "informational_interview",
  "event",
  "social_engagement",
  "give_first",
  "introduction_request",
];
const OUTCOMES: Outcome[] = ["replied", "meeting_booked", "introduction_made", "opportunity", "no_reply"];

export interface Prefill {
  kind?: Kind;
  takeaway?: string;
}

export function LogForm(props: {
  apis: Apis;
  contactId: string;
  contactName: string;
  prefill?: Prefill;
  onLogged: (interaction: Interaction) => void;
  onCancel?: () => void;
}) {
  const { apis, contactId, contactName, prefill } = props;
  const [kind, setKind] = useState<Kind>(prefill?.kind ?? "coffee_or_call");
  const [direction, setDirection] = useState<"outbound" | "inbound">("outbound");
  const [occurred, setOccurred] = useState(localNow());
  const [outcome, setOutcome] = useState<Outcome | "">("");
  const [takeaway, setTakeaway] = useState(prefill?.takeaway ?? "");
  const [followUp, setFollowUp] = useState("");
  const [followUpDue, setFollowUpDue] = useState(localNow(7));
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setStatus({ message: "Saving…" });
    try {
      const interaction = await need(
        apis.contacts.POST("/v1/contacts/{contact_id}/interactions", {
          params: { path: { contact_id: contactId } },
          body: {
            kind,
            direction,
            occurred_at: moment(occurred),
            outcome: outcome || null,
            takeaway: takeaway.trim() || null,
          },
        }),
      );
      if (followUp.trim()) {
        await need(
          apis.contacts.POST("/v1/contacts/{contact_id}/follow-ups", {
            params: { path: { contact_id: contactId } },
            body: { title: followUp.trim(), due_at: moment(followUpDue), interaction_id: interaction.id },
          }),
        );
      }
      setStatus({ message: `Logged your ${words(kind)} with ${contactName}.` });
      props.onLogged(interaction);
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card log" onSubmit={save} aria-label={`Log a conversation with ${contactName}`}>
      <h3>Log a conversation with {contactName}</h3>
      <div class="row">
        <Field label="Kind">
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
            {KINDS.map((k) => (
              <option value={k}>{words(k)}</option>
            ))}
          </select>
        </Field>
        <Field label="Who reached out">
          <select value={direction} onChange={(e) => setDirection(e.currentTarget.value as "outbound" | "inbound")}>
            <option value="outbound">I did</option>
            <option value="inbound">They did</option>
          </select>
        </Field>
        <Field label="When">
          <input type="datetime-local" required value={occurred} onInput={(e) => setOccurred(e.currentTarget.value)} />
        </Field>
        <Field label="Outcome">
          <select value={outcome} onChange={(e) => setOutcome(e.currentTarget.value as Outcome | "")}>
            <option value="">not yet known</option>
            {OUTCOMES.map((o) => (
              <option value={o}>{words(o)}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="One takeaway" hint="The one thing you will act on.">
        <input maxLength={1000} value={takeaway} onInput={(e) => setTakeaway(e.currentTarget.value)} />
      </Field>
      <div class="row">
        <Field label="Follow-up (optional)" hint="The concrete next step.">
          <input maxLength={300} value={followUp} onInput={(e) => setFollowUp(e.currentTarget.value)} />
        </Field>
        <Field label="Follow-up due">
          <input type="datetime-local" value={followUpDue} onInput={(e) => setFollowUpDue(e.currentTarget.value)} />
        </Field>
      </div>
      <div class="actions">
        <button type="submit" disabled={busy}>
          Save
        </button>
        {props.onCancel && (
          <button type="button" class="quiet" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
      {status && <Status {...status} />}
    </form>
  );
}
