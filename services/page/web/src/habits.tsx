// Habits: create one with any schedule the API has, check in and undo, pause and resume, and see
// the strength (the headline: a missed day dents it) before the streak, with a month of done days.
import { useEffect, useState } from "preact/hooks";
import { type Apis, type CheckIn, type Habit, type Measure, type ScheduleKind, type Streak, need } from "./api";
import { live, until } from "./fresh";
import { Field, Status, errorText, words } from "./ui";

const MEASURES: Measure[] = ["outreach_messages", "informational_interviews", "give_first_acts", "dormant_ties_revived", "events_attended", "free_form"];
const SCHEDULES: ScheduleKind[] = ["daily", "times_per_week", "times_per_month", "every_n_days", "weekdays"];
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export function HabitsView({ apis }: { apis: Apis }) {
  const [habits, setHabits] = useState<Habit[]>([]);
  const [streaks, setStreaks] = useState<Streak[]>([]);
  const [creating, setCreating] = useState(false);
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  const readStreaks = () => need(apis.notifier.GET("/v1/streaks"));

  async function load() {
    try {
      const [h, s] = await Promise.all([need(apis.habits.GET("/v1/habits")), readStreaks()]);
      setHabits(h);
      setStreaks(s);
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }
  useEffect(() => {
    void load();
    return live(() => void load());
  }, []);

  async function act(work: () => Promise<string>) {
    try {
      setStatus({ message: await work() });
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  const followStreak = async (habitId: string, settled: (s: Streak | undefined) => boolean) => {
    const { value } = await until(readStreaks, (all) => settled(all.find((s) => s.habit_id === habitId)));
    setStreaks(value);
  };

  return (
    <section aria-labelledby="habits">
      <h1 id="habits">Habits</h1>
      {status && <Status {...status} />}
      <button onClick={() => setCreating(!creating)} aria-expanded={creating}>
        New habit
      </button>
      {creating && (
        <HabitForm
          apis={apis}
          onSaved={async (habit) => {
            setCreating(false);
            setStatus({ message: `Started “${habit.name}”.` });
            await load();
          }}
        />
      )}
      {habits.length === 0 && <p class="empty">No habit yet: start with one small outreach a day.</p>}
      <ul class="cards">
        {habits.map((habit) => {
          const streak = streaks.find((s) => s.habit_id === habit.id);
          return (
            <li class="card" key={habit.id}>
              <h2>{habit.name}</h2>
              <p>
                {schedule(habit)}
                {habit.paused && <span class="badge">paused</span>}
              </p>
              {streak ? (
                <p class="strength">
                  <span class="headline">{Math.round(streak.strength * 100)}%</span> strength · streak {streak.current} (best {streak.longest})
                </p>
              ) : (
                <p class="empty">Strength appears in a moment.</p>
              )}
              <StrengthChart apis={apis} habit={habit} version={seen(streak)} />
              <DoneDays apis={apis} habit={habit} version={seen(streak)} />
              <div class="actions">
                <button
                  onClick={() =>
                    act(async () => {
                      const before = streak?.last_period?.done ?? 0;
                      await need(apis.habits.POST("/v1/habits/{habit_id}/check-ins", { params: { path: { habit_id: habit.id } }, body: {} }));
                      await followStreak(habit.id, (s) => (s?.last_period?.done ?? 0) > before);
                      return `Checked in “${habit.name}”.`;
                    })
                  }
                >
                  Check in
                </button>
                <button class="quiet" onClick={() => act(async () => { await undoLast(apis, habit); await load(); return "Undone."; })}>
                  Undo today
                </button>
                <button
                  class="quiet"
                  onClick={() =>
                    act(async () => {
                      const path = { params: { path: { habit_id: habit.id } } };
                      if (habit.paused) await need(apis.habits.POST("/v1/habits/{habit_id}/resume", path));
                      else await need(apis.habits.POST("/v1/habits/{habit_id}/pause", { ...path, body: {} }));
                      await load();
                      return habit.paused ? "Resumed." : "Paused: rest days neither count nor break the streak.";
                    })
                  }
                >
                  {habit.paused ? "Resume" : "Pause"}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** What the notifier knows of a habit's check-ins: its chart and done days are read again only
 * when this changes, not at every refresh of the list. */
function seen(streak: Streak | undefined): string {
  return streak ? `${streak.strength}:${streak.current}:${streak.last_period?.start}:${streak.last_period?.done}` : "";
}

function schedule(habit: Habit): string {
  const { kind, times, every_days, weekdays } = habit.schedule;
  if (kind === "times_per_week") return `${times ?? 1} times a week`;
  if (kind === "times_per_month") return `${times ?? 1} times a month`;
  if (kind === "every_n_days") return `every ${every_days ?? 2} days`;
  if (kind === "weekdays") return `on ${(weekdays ?? []).map((d) => WEEKDAYS[d - 1]).join(", ")}`;
  return "every day";
}

async function undoLast(apis: Apis, habit: Habit): Promise<void> {
  const checkIns = await need(apis.habits.GET("/v1/habits/{habit_id}/check-ins", { params: { path: { habit_id: habit.id } } }));
  const last = checkIns.filter((c) => c.source === "manual").at(-1);
  if (!last) throw new Error("There is no manual check-in to undo.");
  await need(apis.habits.DELETE("/v1/habits/{habit_id}/check-ins/{check_in_id}", { params: { path: { habit_id: habit.id, check_in_id: last.id } } }));
}

function StrengthChart({ apis, habit, version }: { apis: Apis; habit: Habit; version: string }) {
  const [points, setPoints] = useState<{ day: string; strength: number }[]>([]);
  useEffect(() => {
    need(apis.notifier.GET("/v1/streaks/{habit_id}/strength", { params: { path: { habit_id: habit.id }, query: { days: 90 } } })).then(
      (found) => setPoints(found.points),
      () => setPoints([]),
    );
  }, [habit.id, version]);
  if (points.length < 2) return null;
  const width = 300;
  const height = 80;
  const x = (n: number) => (n / (points.length - 1)) * width;
  const y = (value: number) => height - value * (height - 4) - 2;
  const line = points.map((p, n) => `${n === 0 ? "M" : "L"}${x(n).toFixed(1)},${y(p.strength).toFixed(1)}`).join(" ");
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const label = `${habit.name}: strength ${Math.round(first.strength * 100)}% on ${first.day}, ${Math.round(last.strength * 100)}% on ${last.day}`;
  return (
    <svg class="strength-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none">
      <line x1="0" x2={width} y1={y(0.5)} y2={y(0.5)} class="grid" />
      <path d={`${line} L${width},${height} L0,${height} Z`} class="area" />
      <path d={line} class="line" />
    </svg>
  );
}

function DoneDays({ apis, habit, version }: { apis: Apis; habit: Habit; version: string }) {
  const [days, setDays] = useState<CheckIn[]>([]);
  useEffect(() => {
    need(apis.habits.GET("/v1/habits/{habit_id}/check-ins", { params: { path: { habit_id: habit.id } } })).then(setDays, () => setDays([]));
  }, [habit.id, version]);
  const done = new Set(days.map((c) => c.date));
  const today = new Date();
  const cells = Array.from({ length: 28 }, (_, n) => {
    const at = new Date(today.getTime() - (27 - n) * 86_400_000);
    return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
  });
  return (
    <div class="days" role="list" aria-label={`${habit.name}: done days in the last four weeks`}>
      {cells.map((date) => (
        <span role="listitem" class={done.has(date) ? "day done" : "day"} title={date} aria-label={`${date}${done.has(date) ? ": done" : ""}`} />
      ))}
    </div>
  );
}

function HabitForm({ apis, onSaved }: { apis: Apis; onSaved: (habit: Habit) => void }) {
  const [name, setName] = useState("");
  const [measure, setMeasure] = useState<Measure>("outreach_messages");
  const [kind, setKind] = useState<ScheduleKind>("daily");
  const [times, setTimes] = useState(3);
  const [everyDays, setEveryDays] = useState(2);
  const [weekdays, setWeekdays] = useState<number[]>([1, 3, 5]);
  const [reminder, setReminder] = useState("");
  const [start, setStart] = useState("");
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    const schedule =
      kind === "times_per_week" || kind === "times_per_month"
        ? { kind, times }
        : kind === "every_n_days"
          ? { kind, every_days: everyDays }
          : kind === "weekdays"
            ? { kind, weekdays }
            : { kind };
    try {
      onSaved(await need(apis.habits.POST("/v1/habits", { body: { name: name.trim(), measure, schedule, reminder_time: reminder || null, start_date: start || null } })));
    } catch (error) {
      setStatus({ message: errorText(error), error: true });
    }
  }

  return (
    <form class="card" onSubmit={save} aria-label="New habit">
      <div class="row">
        <Field label="Name">
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="What it counts" hint="Logged conversations check it in by themselves.">
          <select value={measure} onChange={(e) => setMeasure(e.currentTarget.value as Measure)}>
            {MEASURES.map((m) => <option value={m}>{words(m)}</option>)}
          </select>
        </Field>
      </div>
      <div class="row">
        <Field label="Schedule">
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as ScheduleKind)}>
            {SCHEDULES.map((s) => <option value={s}>{words(s)}</option>)}
          </select>
        </Field>
        {(kind === "times_per_week" || kind === "times_per_month") && (
          <Field label="How many times">
            <input type="number" min={1} max={kind === "times_per_week" ? 7 : 31} value={times} onInput={(e) => setTimes(Number(e.currentTarget.value))} />
          </Field>
        )}
        {kind === "every_n_days" && (
          <Field label="Every how many days">
            <input type="number" min={2} max={365} value={everyDays} onInput={(e) => setEveryDays(Number(e.currentTarget.value))} />
          </Field>
        )}
        <Field label="Reminder (optional)">
          <input type="time" value={reminder} onInput={(e) => setReminder(e.currentTarget.value)} />
        </Field>
        <Field label="Starts (optional)" hint="Today unless you pick an earlier day.">
          <input type="date" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        </Field>
      </div>
      {kind === "weekdays" && (
        <fieldset class="weekdays">
          <legend>On</legend>
          {WEEKDAYS.map((label, n) => (
            <label class="check">
              <input
                type="checkbox"
                checked={weekdays.includes(n + 1)}
                onChange={(e) => setWeekdays(e.currentTarget.checked ? [...weekdays, n + 1].sort() : weekdays.filter((d) => d !== n + 1))}
              />{" "}
              {label}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit">Start habit</button>
      {status && <Status {...status} />}
    </form>
  );
}
