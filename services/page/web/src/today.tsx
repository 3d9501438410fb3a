// Today: whom to reach out to (with a give-first suggestion and a prefilled log), follow-ups due,
// habits still due with a one-click check-in, streaks at a glance, and what is held back and why.
// One read of the notifier's projection.
import { useEffect, useState } from "preact/hooks";
import { type Apis, type Prompt, type Streak, type Today, need } from "./api";
import { live, until } from "./fresh";
import { LogForm } from "./log";
import { Status, day, errorText, when } from "./ui";

export function TodayView({ apis }: { apis: Apis }) {
  const [today, setToday] = useState<Today | null>(null);
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  const [logging, setLogging] = useState<Prompt | null>(null);
  const read = () => need(apis.notifier.GET("/v1/today"));

  useEffect(() => {
    const refresh = () => read().then(setToday, (error) => setStatus({ message: errorText(error), error: true }));
    void refresh();
    return live(refresh);
  }, []);

  /** Show the write at once as "updating", then the view once the events have flowed. */
  async function follow(pending: string, settled: (view: Today) => boolean, done: string) {
    setStatus({ message: pending });
    const { value, settled: caughtUp } = await until(read, settled);
    setToday(value);
    setStatus({ message: caughtUp ? done : `${done} Today will show it in a moment.` });
  }

  async function act(work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  const checkIn = (habit: Streak) =>
    act(async () => {
      const before = habit.last_period?.done ?? 0;
      await need(apis.habits.POST("/v1/habits/{habit_id}/check-ins", { params: { path: { habit_id: habit.habit_id } }, body: {} }));
      await follow(
        `Checked in “${habit.habit_name}”, updating…`,
        (view) => (view.habits.find((h) => h.habit_id === habit.habit_id)?.last_period?.done ?? 0) > before,
        `Checked in “${habit.habit_name}”.`,
      );
    });

  const snooze = (prompt: Prompt) =>
    act(async () => {
      await need(apis.notifier.POST("/v1/prompts/{contact_id}/snooze", { params: { path: { contact_id: prompt.contact_id } }, body: { days: 7 } }));
      setToday(await read());
      setStatus({ message: `Snoozed ${prompt.contact_name} for a week.` });
    });

  const reset = (prompt: Prompt) =>
    act(async () => {
      await need(apis.notifier.POST("/v1/prompts/{contact_id}/reset", { params: { path: { contact_id: prompt.contact_id } } }));
      setToday(await read());
      setStatus({ message: `${prompt.contact_name} is back on your list.` });
    });

  const complete = (id: string, name: string) =>
    act(async () => {
      await need(apis.contacts.POST("/v1/follow-ups/{follow_up_id}/complete", { params: { path: { follow_up_id: id } } }));
      await follow(
        "Marked done, updating…",
        (view) => ![...view.follow_ups_overdue, ...view.follow_ups_today].some((f) => f.id === id),
        `Follow-up with ${name} done.`,
      );
    });

  useEffect(() => {
    // User Timing for benchmarks: when Today first showed the student's day.
    if (today && performance.getEntriesByName("keepwarm:today-shown").length === 0) performance.mark("keepwarm:today-shown");
  }, [today]);

  if (!today) return <section aria-labelledby="today">{status ? <Status {...status} /> : <p>Loading today…</p>}</section>;
  const zone = today.timezone;
  const followUps = [...today.follow_ups_overdue.map((f) => ({ ...f, late: true })), ...today.follow_ups_today.map((f) => ({ ...f, late: false }))];
  const due = today.habits.filter((h) => h.at_risk);
  return (
    <section aria-labelledby="today">
      <h1 id="today">Today, {day(today.day)}</h1>
      {status && <Status {...status} />}

      <h2>Reach out</h2>
      {today.reach_out.length === 0 ? (
        <p class="empty">Nobody is due. Your network is warm.</p>
      ) : (
        <ul class="cards">
          {today.reach_out.map((prompt) => (
            <li class="card" key={prompt.contact_id}>
              <p>
                <a href={`#/contacts/${prompt.contact_id}`}>
                  <strong>{prompt.contact_name}</strong>
                </a>{" "}
                — last in touch {when(prompt.last_interaction_at, zone)}
              </p>
              <p class="suggestion">Give first: {prompt.suggestion.text}</p>
              <div class="actions">
                <button onClick={() => setLogging(prompt)}>Log it</button>
                <button class="quiet" onClick={() => snooze(prompt)}>
                  Snooze a week
                </button>
              </div>
              {logging?.contact_id === prompt.contact_id && (
                <LogForm
                  apis={apis}
                  contactId={prompt.contact_id}
                  contactName={prompt.contact_name}
                  prefill={{ kind: "message" }}
                  onCancel={() => setLogging(null)}
                  onLogged={() => {
                    setLogging(null);
                    void follow(
                      "Logged, updating…",
                      (view) => !view.reach_out.some((p) => p.contact_id === prompt.contact_id),
                      `Logged. ${prompt.contact_name} is warm again.`,
                    );
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}

      <h2>Follow-ups</h2>
      {followUps.length === 0 ? (
        <p class="empty">No follow-up due today.</p>
      ) : (
        <ul class="cards">
          {followUps.map((f) => (
            <li class={f.late ? "card late" : "card"} key={f.id}>
              <p>
                <strong>{f.title}</strong> — <a href={`#/contacts/${f.contact_id}`}>{f.contact_name}</a>
              </p>
              <p>
                {f.late ? "Overdue since" : "Due"} {when(f.due_at, zone)}
              </p>
              {f.takeaway && <p class="takeaway">Takeaway: {f.takeaway}</p>}
              <button onClick={() => complete(f.id, f.contact_name)}>Done</button>
            </li>
          ))}
        </ul>
      )}

      <h2>Habits</h2>
      {today.habits.length === 0 ? (
        <p class="empty">
          No habits yet. <a href="#/habits">Start one</a>.
        </p>
      ) : (
        <ul class="cards habits">
          {today.habits.map((habit) => (
            <li class="card" key={habit.habit_id}>
              <p>
                <strong>{habit.habit_name}</strong>
                {habit.at_risk ? <span class="badge due">due today</span> : <span class="badge ok">on track</span>}
              </p>
              <p>
                Strength <strong>{Math.round(habit.strength * 100)}%</strong> · streak {habit.current} (best {habit.longest})
                {habit.last_period && ` · ${habit.last_period.done} of ${habit.last_period.target} this period`}
              </p>
              <button onClick={() => checkIn(habit)} aria-label={`Check in ${habit.habit_name}`}>
                Check in
              </button>
            </li>
          ))}
        </ul>
      )}
      {due.length > 0 && <p class="hint">{due.length} habit(s) still due before your day ends at {when(today.day_ends_at, zone)}.</p>}

      {today.held_back.length > 0 && (
        <>
          <h2>Held back</h2>
          <ul class="cards">
            {today.held_back.map(({ prompt, reason }) => (
              <li class="card quiet" key={prompt.contact_id}>
                <p>
                  <a href={`#/contacts/${prompt.contact_id}`}>{prompt.contact_name}</a>: {reason}
                </p>
                {prompt.status === "held" && (
                  <button class="quiet" onClick={() => reset(prompt)}>
                    Reset
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
