// A nudge's action link opens here: the signed token in the address's fragment (never sent to a
// server by the browser) names the service, the action and the item. One click does it, signed in
// or not: the link itself is the credential. A click, not the visit, acts: mail scanners that open
// links do not snooze anything.
import { useState } from "preact/hooks";
import type { Config } from "./api";
import { Status } from "./ui";

const ACTIONS: Record<string, { service: keyof Config["apis"]; ask: string; button: string }> = {
  snooze_prompt: { service: "notifier", ask: "Snooze this keep-alive prompt for a week?", button: "Snooze a week" },
  complete_follow_up: { service: "contacts", ask: "Mark this follow-up as done?", button: "Done" },
};

function actionOf(token: string): string | null {
  try {
    const body = token.split(".")[0] ?? "";
    const json = atob(body.replaceAll("-", "+").replaceAll("_", "/"));
    return (JSON.parse(json) as { a?: string }).a ?? null;
  } catch {
    return null;
  }
}

export function ActView({ config, token }: { config: Config; token: string }) {
  const [status, setStatus] = useState<{ message: string; error?: boolean } | null>(null);
  const [done, setDone] = useState(false);
  const action = ACTIONS[actionOf(token) ?? ""];
  if (!action) return <Status message="This link is not one KeepWarm understands." error />;

  async function act() {
    const response = await fetch(`${config.apis[action!.service]}/v1/links`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    const body = (await response.json().catch(() => ({}))) as { message?: string; detail?: string };
    if (response.ok) {
      setDone(true);
      setStatus({ message: body.message ?? "Done." });
    } else {
      setStatus({ message: body.detail ?? `That did not work (${response.status}).`, error: true });
    }
  }

  return (
    <section aria-labelledby="act" class="card">
      <h1 id="act">{action.ask}</h1>
      {!done && <button onClick={act}>{action.button}</button>}
      {status && <Status {...status} />}
      {done && (
        <p>
          <a href="#/today">Open Today</a>
        </p>
      )}
    </section>
  );
}
