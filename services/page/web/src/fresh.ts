// Writes land at once in the service that owns them; other services' views (Today, streaks) follow
// once the events have flowed. After a write the page re-reads until the view shows it, and says
// "updating" meanwhile rather than showing the stale state as if it were current.
export async function until<T>(
  read: () => Promise<T>,
  settled: (value: T) => boolean,
  { timeoutMs = 15_000, everyMs = 400 } = {},
): Promise<{ value: T; settled: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!settled(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    value = await read();
  }
  return { value, settled: settled(value) };
}

/** Re-read a view every few seconds while the tab is shown, so what other services did in the
 * meantime (a check-in credited by a logged conversation, a prompt come due) appears by itself. */
export function live(read: () => void, everyMs = 5_000): () => void {
  const timer = setInterval(() => {
    if (document.visibilityState === "visible") read();
  }, everyMs);
  return () => clearInterval(timer);
}
