// Typed clients of the three APIs, from types generated out of their committed OpenAPI documents.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components as C, paths as ContactsPaths } from "./generated/contacts";
import type { components as H, paths as HabitsPaths } from "./generated/habits";
import type { components as N, paths as NotifierPaths } from "./generated/notifier";

export type Contact = C["schemas"]["ContactOut"];
export type ContactIn = C["schemas"]["ContactIn"];
export type Interaction = C["schemas"]["InteractionOut"];
export type InteractionIn = C["schemas"]["InteractionIn"];
export type FollowUp = C["schemas"]["FollowUpOut"];
export type ImportReport = C["schemas"]["ImportReportOut"];
export type Tie = C["schemas"]["Tie"];
export type Category = C["schemas"]["Category"];
export type Warmth = C["schemas"]["Warmth"];
export type Kind = C["schemas"]["InteractionKind"];
export type Outcome = C["schemas"]["Outcome"];
export type Habit = H["schemas"]["HabitOut"];
export type HabitIn = H["schemas"]["HabitIn"];
export type Measure = H["schemas"]["HabitMeasure"];
export type ScheduleKind = H["schemas"]["ScheduleKind"];
export type CheckIn = H["schemas"]["CheckInOut"];
export type Draft = C["schemas"]["DraftOut"];
export type Interview = C["schemas"]["InterviewOut"];
export type Goal = C["schemas"]["GoalOut"];
export type GoalKind = C["schemas"]["GoalKind"];
export type Today = N["schemas"]["TodayOut"];
export type Prompt = N["schemas"]["PromptOut"];
export type Streak = N["schemas"]["StreakOut"];
export type Feed = N["schemas"]["FeedOut"];
export type Preferences = N["schemas"]["PreferencesOut"];

export interface Config {
  apis: { contacts: string; habits: string; notifier: string };
  sign_in: "name" | "oidc";
  oidc?: { authority: string; client_id: string; scope: string };
}

export interface Apis {
  contacts: Client<ContactsPaths>;
  habits: Client<HabitsPaths>;
  notifier: Client<NotifierPaths>;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The clients, each sending the bearer token; a 401 signs the student out. */
export function clients(config: Config, token: string, signedOut: () => void): Apis {
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) signedOut();
      return response;
    },
  };
  const contacts = createClient<ContactsPaths>({ baseUrl: config.apis.contacts });
  const habits = createClient<HabitsPaths>({ baseUrl: config.apis.habits });
  const notifier = createClient<NotifierPaths>({ baseUrl: config.apis.notifier });
  for (const client of [contacts, habits, notifier] as Client<object>[]) client.use(auth);
  return { contacts, habits, notifier };
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError whose message names the field at fault. */
export async function need<T>(answer: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await answer;
  if (response.ok) return data as T;
  throw new ApiError(describe(error, response.status), response.status);
}

function describe(error: unknown, status: number): string {
  const detail = (error as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item: { loc?: unknown[]; msg?: string }) => {
        const field = (item.loc ?? []).filter((part) => part !== "body").join(".");
        return field ? `${field}: ${item.msg ?? "invalid"}` : (item.msg ?? "invalid");
      })
      .join("; ");
  }
  if (status === 503) return "The service is briefly unavailable; try again in a few seconds.";
  return `The request failed (${status}).`;
}
