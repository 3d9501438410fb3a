// Your results: what worked and what did not — answers and meetings by tie, by kind of
// interaction, by give-first act and by month, as the contacts service counts them.
import { useEffect, useState } from "preact/hooks";
import { type Apis, need } from "./api";
import type { components } from "./generated/contacts";
import { Status, errorText, words } from "./ui";

type Results = components["schemas"]["ResultsOut"];
type Group = components["schemas"]["GroupOut"];

function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "–" : `${Math.round(rate * 100)}%`;
}

function Bars({ title, groups }: { title: string; groups: Group[] }) {
  if (groups.length === 0) return null;
  const most = Math.max(1, ...groups.map((g) => g.outreach));
  return (
    <figure class="card chart" tabIndex={0}>
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col">{title.replace("By ", "")}</th>
            <th scope="col">Outreach</th>
            <th scope="col">Answered</th>
            <th scope="col">Meetings</th>
            <th scope="col">Answer rate</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.key}>
              <th scope="row">{words(g.key)}</th>
              <td>
                <span class="meter" aria-hidden="true">
                  <span class="meter-all" style={{ width: `${(g.outreach / most) * 100}%` }} />
                  <span class="meter-answered" style={{ width: `${(g.answered / most) * 100}%` }} />
                </span>
                {g.outreach}
              </td>
              <td>{g.answered}</td>
              <td>{g.meetings}</td>
              <td>{percent(g.answer_rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function ResultsView({ apis }: { apis: Apis }) {
  const [results, setResults] = useState<Results | null>(null);
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  useEffect(() => {
    need(apis.contacts.GET("/v1/results")).then(setResults, (error) => setStatus({ message: errorText(error), error: true }));
  }, []);
  if (!results) return <section>{status ? <Status {...status} /> : <p>Loading…</p>}</section>;
  const total = results.total;
  return (
    <section aria-labelledby="results">
      <h1 id="results">Your results</h1>
      <p>
        Over the last year: you reached out <strong>{total.outreach}</strong> {total.outreach === 1 ? "time" : "times"},{" "}
        <strong>{total.answered}</strong> answered (
        {percent(total.answer_rate)}), <strong>{total.meetings}</strong> led to a meeting or more.
      </p>
      {total.interactions === 0 && <p class="empty">Log your conversations and their outcomes: what works shows up here.</p>}
      <Bars title="By tie" groups={results.by_tie} />
      <Bars title="By kind" groups={results.by_kind} />
      <Bars title="By give-first act" groups={results.by_give_first} />
      <Bars title="By month" groups={results.by_month} />
    </section>
  );
}
