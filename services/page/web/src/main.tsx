// The student's page: sign in, then Today, contacts, habits, imports and settings, each read and
// written only through the services' APIs.
import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { ActView } from "./act";
import { type Config, clients } from "./api";
import { ContactView } from "./contact";
import { ContactsView } from "./contacts";
import { HabitsView } from "./habits";
import { ImportsView } from "./imports";
import { ResultsView } from "./results";
import { type Session, current, forget, remember, returnFromIssuer, signInByName, signInWithIssuer } from "./session";
import { SettingsView } from "./settings";
import { GoalsView } from "./coaching";
import { TodayView } from "./today";
import { Field, Status, errorText } from "./ui";

const PLACES = [
  ["#/today", "Today"],
  ["#/contacts", "Contacts"],
  ["#/habits", "Habits"],
  ["#/goals", "Goals"],
  ["#/results", "Results"],
  ["#/import", "Import"],
  ["#/settings", "Settings"],
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash || "#/today");
  useEffect(() => {
    const changed = () => setHash(location.hash || "#/today");
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return hash;
}

function SignIn({ config, onSignedIn }: { config: Config; onSignedIn: (session: Session) => void }) {
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  if (config.sign_in !== "name") {
    return (
      <main id="main" class="sign-in">
        <h1>KeepWarm</h1>
        <p>Keep your network alive, one small step a day.</p>
        {config.oidc ? (
          <button onClick={() => signInWithIssuer(config).catch((failure) => setError(errorText(failure)))}>Sign in with your account</button>
        ) : (
          <p>Sign-in is not configured on this server.</p>
        )}
        {error && <Status message={error} error />}
      </main>
    );
  }
  return (
    <main id="main" class="sign-in">
      <h1>KeepWarm</h1>
      <p>Keep your network alive, one small step a day.</p>
      <form
        class="card"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const session = await signInByName(name);
            remember(session);
            onSignedIn(session);
          } catch (failure) {
            setError(errorText(failure));
          }
        }}
      >
        <Field label="Your name" hint="Development sign-in: no password, your data is kept under this name.">
          <input required autoFocus maxLength={64} autoComplete="username" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit">Sign in</button>
        {error && <Status message={error} error />}
      </form>
    </main>
  );
}

function App({ config }: { config: Config }) {
  const [session, setSession] = useState<Session | null>(current());
  const hash = useHash();
  const apis = useMemo(
    () =>
      session &&
      clients(config, session.token, () => {
        forget();
        setSession(null);
      }),
    [session],
  );
  const [, place, id, sub] = hash.split("/");
  if (place === "act" && id) {
    return (
      <main id="main">
        <ActView config={config} token={id} />
      </main>
    );
  }
  if (!session || !apis) return <SignIn config={config} onSignedIn={setSession} />;
  const view =
    place === "contacts" && id ? (
      <ContactView apis={apis} id={decodeURIComponent(id)} logNow={sub === "log"} />
    ) : place === "contacts" ? (
      <ContactsView apis={apis} />
    ) : place === "habits" ? (
      <HabitsView apis={apis} />
    ) : place === "goals" ? (
      <GoalsView apis={apis} />
    ) : place === "results" ? (
      <ResultsView apis={apis} />
    ) : place === "import" ? (
      <ImportsView config={config} token={session.token} />
    ) : place === "settings" ? (
      <SettingsView apis={apis} />
    ) : (
      <TodayView apis={apis} />
    );
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        Skip to content
      </a>
      <header>
        <p class="brand">KeepWarm</p>
        <nav aria-label="Main">
          <ul>
            {PLACES.map(([href, label]) => (
              <li>
                <a href={href} aria-current={hash.startsWith(href) ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p class="who">
          <span>{session.owner}</span>{" "}
          <button
            class="quiet"
            onClick={() => {
              forget();
              setSession(null);
            }}
          >
            Sign out
          </button>
        </p>
      </header>
      <main id="main" tabIndex={-1} key={hash}>
        {view}
      </main>
    </>
  );
}

async function start(): Promise<void> {
  const root = document.getElementById("app")!;
  root.textContent = "";
  try {
    const config = (await (await fetch("/config.json")).json()) as Config;
    await returnFromIssuer(config);
    render(<App config={config} />, root);
  } catch (error) {
    render(<Status message={`KeepWarm could not start: ${errorText(error)}`} error />, root);
  }
}

void start();
