import type { Kysely, Migration, Transaction } from "kysely";

/** Staff roles. Customers and external raters never log in: they hold personal links. */
export type Role = "admin" | "manager" | "staff";
export const ROLES: readonly Role[] = ["admin", "manager", "staff"];

/** Interface languages. */
export type Locale = "en" | "zh-CN";
export const LOCALES: readonly Locale[] = ["zh-CN", "en"];

/** Flat message catalogue: `key -> text`, with `{{name}}` placeholders. */
export type Messages = Readonly<Record<string, string>>;

/** A permission string (`<plugin-id>.<thing>.<verb>`) and the roles that hold it. */
export interface PermissionDef {
  readonly name: string;
  readonly roles: readonly Role[];
}

/** An entry in the host's navigation, shown to users holding `permission`. */
export interface NavEntry {
  /** Message key, looked up in the plugin's locales. */
  readonly labelKey: string;
  /** Path relative to the plugin's base path ("" for the base itself). */
  readonly path: string;
  readonly permission: string;
  readonly order?: number;
}

/** A route module of the plugin, mounted under its base path. */
export interface RouteDef {
  /** Path relative to the plugin's base path; omit for an index route. */
  readonly path?: string;
  /** File relative to the plugin package's `src/` folder, e.g. `routes/campaigns.tsx`. */
  readonly file: string;
  /** Unique within the plugin; the host prefixes it with the plugin id. */
  readonly id: string;
  readonly children?: readonly RouteDef[];
}

/** What a dashboard widget shows; the host renders it with its own components. */
export type WidgetView =
  | { readonly kind: "stat"; readonly value: string; readonly hint?: string; readonly tone?: "good" | "bad" | "neutral" }
  | { readonly kind: "bars"; readonly items: readonly { label: string; value: number; display?: string }[]; readonly max?: number }
  | { readonly kind: "list"; readonly items: readonly { label: string; detail?: string; href?: string }[]; readonly empty: string };

export interface WidgetDef {
  readonly id: string;
  /** Message key of the widget title. */
  readonly titleKey: string;
  readonly permission: string;
  /** Link to the full page, relative to the site root. */
  readonly href?: string;
  load(ctx: PluginContext, viewer: Viewer, locale: Locale): Promise<WidgetView>;
}

/** The logged-in staff member a loader or widget works for. */
export interface Viewer {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: Role;
  readonly staffKind: "support" | "field" | null;
  readonly locale: Locale | null;
  readonly permissions: ReadonlySet<string>;
}

/** One message for the outbox. */
export interface OutgoingMail {
  /** Unique forever: the same key is never sent twice. */
  readonly key: string;
  readonly to: string;
  readonly toName?: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface MailService {
  /** Enqueues inside the caller's transaction; a duplicate key is ignored. Returns true when inserted. */
  enqueue(trx: Kysely<any> | Transaction<any>, mail: OutgoingMail): Promise<boolean>;
  /** Enqueues many in one statement per chunk; returns how many were inserted. */
  enqueueMany(trx: Kysely<any> | Transaction<any>, mails: readonly OutgoingMail[]): Promise<number>;
}

export type InvitationState = "sent" | "opened" | "started" | "completed";

export interface Invitation {
  readonly id: string;
  readonly purpose: string;
  readonly subjectRef: string;
  readonly recipientEmail: string | null;
  readonly recipientName: string | null;
  readonly customerId: number | null;
  readonly locale: Locale;
  readonly state: InvitationState;
  readonly expiresAt: string;
}

export type InvitationCheck =
  | { readonly ok: true; readonly invitation: Invitation }
  | { readonly ok: false; readonly reason: "unknown" | "expired" | "completed" };

export interface NewInvitation {
  readonly purpose: string;
  readonly subjectRef: string;
  readonly recipientEmail?: string | null;
  readonly recipientName?: string | null;
  readonly customerId?: number | null;
  readonly locale: Locale;
  readonly expiresAt: string;
}

export interface InvitationService {
  /** Creates invitations in the caller's transaction; returns the tokens (`<id>.<secret>`), shown once. */
  createMany(trx: Kysely<any> | Transaction<any>, items: readonly NewInvitation[]): Promise<{ id: string; token: string }[]>;
  /**
   * Checks a token for a purpose; unknown, tampered, expired and completed answer alike to the
   * caller's page. `acceptUsed` also accepts completed and expired links (for opting out).
   */
  check(token: string, purpose: string, options?: { readonly acceptUsed?: boolean }): Promise<InvitationCheck>;
  /** The link token of an invitation, derived again from its id (for reminders; the link is never stored). */
  tokenFor(id: string): string;
  /** Moves forward only (sent → opened → started → completed). */
  advance(trx: Kysely<any> | Transaction<any>, id: string, state: Exclude<InvitationState, "sent">): Promise<void>;
}

export type EventHandler = (payload: unknown) => void | Promise<void>;

export interface EventBus {
  emit(name: string, payload: unknown): Promise<void>;
  on(name: string, handler: EventHandler): () => void;
}

export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/**
 * Named query functions plugins offer each other (the request/response side of the event bus):
 * `visits` provides "visits.slaSummary", `kpi` asks for it and works without it when `visits` is
 * not installed. Names are `<plugin-id>.<name>`; the provider owns the function's contract.
 */
export interface ServiceRegistry {
  provide<T>(name: string, implementation: T): void;
  get<T>(name: string): T | undefined;
}

/** Runs background jobs; only in the process that runs background work (never in unit tests). */
export interface Scheduler {
  /** Registers a job run every `intervalMs` (and once shortly after start). Names are `<plugin-id>.<job>`. */
  every(name: string, intervalMs: number, job: () => Promise<void>): void;
}

/** Host settings a plugin may read. */
export interface HostSettings {
  /** Base of every link in emails; never taken from a request's Host header. */
  readonly publicBaseUrl: string;
  readonly mailFrom: string;
}

/** The services the host hands to a plugin's `init` and `seed`. */
export interface PluginContext {
  readonly db: Kysely<any>;
  readonly mail: MailService;
  readonly invitations: InvitationService;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly settings: HostSettings;
  readonly scheduler: Scheduler;
  readonly services: ServiceRegistry;
  /** Records a change in the audit log. */
  audit(trx: Kysely<any> | Transaction<any>, entry: { actorId: number | null; action: string; target: string; detail?: unknown }): Promise<void>;
}

/** A plugin: one exported object built with `definePlugin`. */
export interface AftercarePlugin {
  /** kebab-case, fixed forever: table prefix, migration table, permission prefix, URL base. */
  readonly id: string;
  /** npm package name, used by the host to find route files. */
  readonly packageName: string;
  readonly titleKey: string;
  /** Defaults to `/${id}`. */
  readonly basePath?: string;
  readonly nav?: readonly NavEntry[];
  readonly routes?: readonly RouteDef[];
  readonly migrations?: Readonly<Record<string, Migration>>;
  readonly permissions?: readonly PermissionDef[];
  readonly locales: Readonly<Record<Locale, Messages>>;
  readonly widgets?: readonly WidgetDef[];
  /** Event names this plugin emits (documentation and start-up checks). */
  readonly emits?: readonly string[];
  /** Handlers for other plugins' events. */
  readonly on?: Readonly<Record<string, (ctx: PluginContext, payload: unknown) => void | Promise<void>>>;
  init?(ctx: PluginContext): void | Promise<void>;
  /** Demo data; must be idempotent. */
  seed?(ctx: PluginContext): Promise<void>;
}

/**
 * Declares a plugin.
 *
 * @example
 * export const helloPlugin = definePlugin({ id: "hello", packageName: "@acme/hello", titleKey: "hello.title",
 *   locales: { en: { "hello.title": "Hello" }, "zh-CN": { "hello.title": "你好" } } });
 */
export function definePlugin<T extends AftercarePlugin>(plugin: T): T {
  return plugin;
}

/** The base path a plugin is mounted under. */
export function pluginBasePath(plugin: AftercarePlugin): string {
  return plugin.basePath ?? `/${plugin.id}`;
}
