// Coaching: a draft to a contact with the warm-message findings beside it, an informational
// interview from its questions to the thank-you and update follow-ups, and networking goals.
import { useEffect, useState } from "preact/hooks";
import { type Apis, type Contact, type Draft, type Goal, type GoalKind, type Interview, need } from "./api";
import { Field, Status, errorText, localNow, moment, when, words } from "./ui";

type Say = (message: string, error?: boolean) => void;

function Findings({ draft }: { draft: Draft }) {
  return (
    <ul class="findings" aria-label="What the check found">
      {draft.findings.map((f) => (
        <li key={f.rule} class={f.passed ? "passed" : "failed"}>
          <span aria-hidden="true">{f.passed ? "✓" : "✗"}</span> {f.explanation}
          {!f.passed && f.spans.length > 0 && f.spans[0]?.text !== draft.body && f.spans[0]?.text !== draft.subject && (
            <> ({f.spans.map((s) => `“${s.text}”`).join(", ")})</>
          )}
        </li>
      ))}
    </ul>
  );
}

export function DraftsPanel({ apis, contact, onSent, say }: { apis: Apis; contact: Contact; onSent: () => void; say: Say }) {
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const path = { params: { path: { contact_id: contact.id } } };

  async function load() {
    setDrafts(await need(apis.contacts.GET("/v1/contacts/{contact_id}/drafts", path)));
  }
  useEffect(() => void load().catch((error) => say(errorText(error), true)), [contact.id]);

  async function check(event: Event) {
    event.preventDefault();
    try {
      const saved = editing
        ? await need(apis.contacts.PATCH("/v1/drafts/{draft_id}", { params: { path: { draft_id: editing.id } }, body: { subject, body } }))
        : await need(apis.contacts.POST("/v1/contacts/{contact_id}/drafts", { ...path, body: { subject, body } }));
      setEditing(saved);
      await load();
      const failed = saved.findings.filter((f) => !f.passed).length;
      say(failed === 0 ? "Draft saved: it passes every check." : `Draft saved: ${failed} thing${failed > 1 ? "s" : ""} to improve.`);
    } catch (error) {
      say(errorText(error), true);
    }
  }

  async function send(draft: Draft) {
    try {
      await need(apis.contacts.POST("/v1/drafts/{draft_id}/send", { params: { path: { draft_id: draft.id } } }));
      setEditing(null);
      setSubject("");
      setBody("");
      await load();
      say("Marked sent: the message is on the timeline.");
      onSent();
    } catch (error) {
      say(errorText(error), true);
    }
  }

  const shown = editing ? drafts.find((d) => d.id === editing.id) ?? editing : null;
  return (
    <div class="card">
      <h2>Draft a message</h2>
      <form onSubmit={check} aria-label="Draft a message">
        <Field label="Subject" hint="Who you are and why you write.">
          <input maxLength={200} required value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />
        </Field>
        <Field label="Message" hint="Something specific to them; a small ask with a couple of times.">
          <textarea maxLength={5000} required rows={6} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        </Field>
        <button type="submit">Check draft</button>
      </form>
      {shown && !shown.sent_at && (
        <>
          <Findings draft={shown} />
          <button onClick={() => send(shown)}>Mark sent</button>
        </>
      )}
      {drafts.filter((d) => d.sent_at).length > 0 && (
        <p>
          Sent: {drafts.filter((d) => d.sent_at).map((d) => `“${d.subject}” (${when(d.sent_at)})`).join("; ")}
        </p>
      )}
    </div>
  );
}

export function InterviewsPanel({ apis, contact, onChanged, say }: { apis: Apis; contact: Contact; onChanged: () => void; say: Say }) {
  const [interviews, setInterviews] = useState<Interview[]>([]);
  const [at, setAt] = useState(localNow(7));
  const [takeaway, setTakeaway] = useState("");

  async function load() {
    const all = await need(apis.contacts.GET("/v1/interviews"));
    setInterviews(all.filter((i) => i.contact_id === contact.id));
  }
  useEffect(() => void load().catch((error) => say(errorText(error), true)), [contact.id]);

  async function act(work: () => Promise<unknown>, message: string) {
    try {
      await work();
      await load();
      say(message);
      onChanged();
    } catch (error) {
      say(errorText(error), true);
    }
  }

  const prepare = (event: Event) => {
    event.preventDefault();
    void act(
      () => need(apis.contacts.POST("/v1/contacts/{contact_id}/interviews", { params: { path: { contact_id: contact.id } }, body: { scheduled_at: moment(at) } })),
      "Prepared: edit the questions, and send them ahead (a follow-up reminds you).",
    );
  };

  return (
    <div class="card">
      <h2>Informational interview</h2>
      {interviews.length === 0 && (
        <form onSubmit={prepare} aria-label="Prepare an interview" class="row">
          <Field label="When you will talk">
            <input type="datetime-local" required value={at} onInput={(e) => setAt(e.currentTarget.value)} />
          </Field>
          <button type="submit">Prepare questions</button>
        </form>
      )}
      {interviews.map((interview) => {
        const path = { params: { path: { interview_id: interview.id } } };
        return (
          <div key={interview.id}>
            <p>
              {when(interview.scheduled_at)} · {interview.stage}
            </p>
            <ol aria-label="Your questions">
              {interview.questions.map((q) => (
                <li key={q}>{q}</li>
              ))}
            </ol>
            {interview.stage === "prepared" && (
              <form
                aria-label="It happened"
                onSubmit={(e) => {
                  e.preventDefault();
                  void act(() => need(apis.contacts.POST("/v1/interviews/{interview_id}/held", { ...path, body: { takeaway } })), "Logged, with its takeaway.");
                }}
              >
                <Field label="The one takeaway you will follow up on">
                  <input required maxLength={1000} value={takeaway} onInput={(e) => setTakeaway(e.currentTarget.value)} />
                </Field>
                <button type="submit">It happened</button>
              </form>
            )}
            {interview.proposals.map((p) => (
              <p key={p.kind}>
                {words(p.kind)} follow-up, {when(p.due_at)}: {p.status}{" "}
                {p.status === "proposed" && (
                  <>
                    <button
                      onClick={() =>
                        act(
                          () => need(apis.contacts.POST("/v1/interviews/{interview_id}/proposals/{kind}/accept", { params: { path: { interview_id: interview.id, kind: p.kind } }, body: {} })),
                          `The ${words(p.kind)} follow-up is scheduled.`,
                        )
                      }
                    >
                      Accept the {words(p.kind)}
                    </button>{" "}
                    <button
                      class="quiet"
                      onClick={() =>
                        act(
                          () => need(apis.contacts.POST("/v1/interviews/{interview_id}/proposals/{kind}/drop", { params: { path: { interview_id: interview.id, kind: p.kind } } })),
                          `Dropped the ${words(p.kind)}.`,
                        )
                      }
                    >
                      Drop the {words(p.kind)}
                    </button>
                  </>
                )}
              </p>
            ))}
          </div>
        );
      })}
    </div>
  );
}

const GOAL_KINDS: [GoalKind, string][] = [
  ["people_in_role", "People who hold the role I want"],
  ["dormant_ties_revived", "Dormant ties revived this month"],
  ["informational_interviews", "Informational interviews this month"],
];

export function GoalsView({ apis }: { apis: Apis }) {
  const [goals, setGoals] = useState<Goal[]>([]);
  const [kind, setKind] = useState<GoalKind>("people_in_role");
  const [target, setTarget] = useState("5");
  const [role, setRole] = useState("");
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);

  async function load() {
    setGoals(await need(apis.contacts.GET("/v1/goals")));
  }
  useEffect(() => void load().catch((error) => setStatus({ message: errorText(error), error: true })), []);

  async function add(event: Event) {
    event.preventDefault();
    try {
      const goal = await need(
        apis.contacts.POST("/v1/goals", { body: { kind, target: Number(target), role: kind === "people_in_role" ? role : null } }),
      );
      await load();
      setStatus({ message: `New goal: ${goal.title}.` });
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  return (
    <section aria-labelledby="goals">
      <h1 id="goals">Goals</h1>
      {status && <Status {...status} />}
      <ul class="cards">
        {goals.map((goal) => (
          <li class="card" key={goal.id}>
            <p>
              <strong>{goal.title}</strong>
            </p>
            <progress max={goal.target} value={Math.min(goal.progress, goal.target)} aria-label={`${goal.title}: ${goal.progress} of ${goal.target}`} />{" "}
            {goal.progress} of {goal.target}
            {goal.reached_at && <> · reached {when(goal.reached_at)}</>}
          </li>
        ))}
      </ul>
      <form onSubmit={add} aria-label="New goal" class="card">
        <Field label="Goal">
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as GoalKind)}>
            {GOAL_KINDS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="How many">
          <input type="number" min={1} max={100} required value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
        </Field>
        {kind === "people_in_role" && (
          <Field label="The role you want">
            <input maxLength={200} required value={role} onInput={(e) => setRole(e.currentTarget.value)} />
          </Field>
        )}
        <button type="submit">Set goal</button>
      </form>
    </section>
  );
}
