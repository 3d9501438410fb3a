// The signed-in student: the token lives in this tab's sessionStorage (this origin only, gone when
// the tab closes), never in a URL or in storage another site can read.
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
