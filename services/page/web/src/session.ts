// The signed-in student: the token lives in this tab's sessionStorage (this origin only, gone when
// the tab closes), never in a URL or in storage another site can read. In production the student
// signs in with the OpenID Connect issuer the services accept (authorization code with PKCE, by
// oidc-client-ts); in development the page's server signs a name in.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";
import type { Config } from "./api";
const KEY = "keepwarm.session";

export interface Session {
  owner: string;
  token: string;
}

export function current(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    return session.owner && session.token ? session : null;
  } catch {
    return null;
  }
}

export function remember(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function forget(): void {
  sessionStorage.removeItem(KEY);
}

/** Development only: the page's server mints a token for a name. */
export async function signInByName(name: string): Promise<Session> {
  const response = await fetch("/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json()) as { owner?: string; token?: string; detail?: string };
  if (!response.ok || !body.owner || !body.token) throw new Error(body.detail ?? "Sign-in failed.");
  return { owner: body.owner, token: body.token };
}

function manager(config: Config): UserManager {
  const oidc = config.oidc!;
  return new UserManager({
    authority: oidc.authority,
    client_id: oidc.client_id,
    scope: oidc.scope,
    redirect_uri: `${location.origin}/`,
    response_type: "code",
    // The code comes back in the fragment: it never reaches a web server or its access log.
    response_mode: "fragment",
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
  });
}

/** Off to the issuer's sign-in; it comes back to this page with a one-time code. */
export async function signInWithIssuer(config: Config): Promise<void> {
  await manager(config).signinRedirect({ state: location.hash || "#/today" });
}

/** Back from the issuer: trade the code (and the PKCE verifier) for a token, then take the code
 * out of the address. Null when this load is not a return from the issuer. */
export async function returnFromIssuer(config: Config): Promise<Session | null> {
  const answer = new URLSearchParams(location.hash.slice(1));
  if (config.sign_in !== "oidc" || !config.oidc || !answer.has("code") || !answer.has("state")) return null;
  const user = await manager(config).signinRedirectCallback();
  const back = typeof user.state === "string" && user.state.startsWith("#/") ? user.state : "#/today";
  history.replaceState(null, "", `/${back}`);
  await manager(config).removeUser(); // kept once, below, not twice
  const session = { owner: user.profile.sub, token: user.access_token };
  remember(session);
  return session;
}
