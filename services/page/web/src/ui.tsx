// Small shared pieces: the status line read out to screen readers, dates, labelled fields.
import type { ComponentChildren } from "preact";

export function Status({ message, error }: { message: string; error?: boolean }) {
  return (
    <p class={error ? "status error" : "status"} role={error ? "alert" : "status"} aria-live="polite">
      {message}
    </p>
  );
}

export function Field({ label, children, hint }: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
      {hint && <small>{hint}</small>}
    </label>
  );
}

export function when(moment: string | null | undefined, timeZone?: string): string {
  if (!moment) return "never";
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }).format(
    new Date(moment),
  );
}

export function day(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
  );
}

/** A value of <input type="datetime-local"> (the browser's local time) as an ISO moment. */
export function moment(local: string): string {
  return new Date(local).toISOString();
}

/** Now as a value for <input type="datetime-local">. */
export function localNow(offsetDays = 0): string {
  const at = new Date(Date.now() + offsetDays * 86_400_000);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function words(value: string): string {
  return value.replaceAll("_", " ");
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
