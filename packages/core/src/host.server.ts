import type { Kysely } from "kysely";
import type { AftercarePlugin, Locale, Logger, Messages, PluginContext, Role } from "@aftercare/plugin-api";
import { openDatabase } from "@aftercare/db/open";
import { claimScheduledRun } from "./job-schedule.server";
import { migrateAll, type MigrationSet } from "@aftercare/db/migrate";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import { createMailService } from "@aftercare/mail/outbox";
import { createOutboxWorker } from "@aftercare/mail/worker";
import { createTransportFromUrl } from "@aftercare/mail/transport";
import { startMailCatcher } from "@aftercare/mail/catcher";
import type { Config } from "./config.server";
import { coreMigrationSet } from "./migrations";
import { createEventBus } from "./events";
import { createInvitationService } from "./invitations.server";
import { writeAudit } from "./audit.server";
import { validatePlugins } from "./plugin-registry";
import { permissionsForRole } from "./permissions";
import { coreMessages } from "./locales";
import { seedDemo, type DemoLogin } from "./seed.server";
import type { CoreTables } from "./tables";

/** Everything a request handler needs, built once per process. */
export interface Host {
  readonly config: Config;
  readonly db: Kysely<CoreTables>;
  readonly plugins: readonly AftercarePlugin[];
  readonly ctx: PluginContext;
  readonly messages: Readonly<Record<Locale, Messages>>;
  /** The built-in SMTP catcher, when SMTP_URL is unset. */
  readonly catcher: { readonly url: string; readonly port: number } | null;
  readonly demoLogins: readonly DemoLogin[];
  permissionsFor(role: Role): ReadonlySet<string>;
  /** Wakes the mail worker after enqueuing. */
  kickMail(): void;
  /** Names of the plugins' scheduled jobs. */
  jobNames(): string[];
  /** Runs one scheduled job now (tests, admin "run now"). Errors are logged, not thrown. */
  runJob(name: string): Promise<void>;
  /**
   * What a timer tick does: runs the job only if this instance claims its due run in the shared
   * `job_schedule` table (so several instances run it once between them). True when it ran.
   */
  runScheduledJob(name: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface CreateHostProps {
  readonly config: Config;
  readonly plugins: readonly AftercarePlugin[];
  /** Start the mail worker and the SMTP catcher (off in unit tests). */
  readonly background: boolean;
  readonly clock?: () => Date;
  readonly logger?: Logger;
}

function consoleLogger(silent: boolean): Logger {
  const out = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    if (silent && level !== "error") return;
    const line = `[aftercare] ${level} ${message}${extra ? ` ${JSON.stringify(extra)}` : ""}`;
    (level === "error" ? console.error : console.log)(line);
  };
  return { info: out("info"), warn: out("warn"), error: out("error") };
}

/** Merges the core's and every plugin's messages per locale. */
function mergeMessages(plugins: readonly AftercarePlugin[]): Record<Locale, Messages> {
  const merged: Record<Locale, Record<string, string>> = { en: { ...coreMessages.en }, "zh-CN": { ...coreMessages["zh-CN"] } };
  for (const plugin of plugins) {
    Object.assign(merged.en, plugin.locales.en);
    Object.assign(merged["zh-CN"], plugin.locales["zh-CN"]);
  }
  return merged;
}

/** The core's migration sets, then each plugin's, in the order the plugins are installed. */
export function migrationSets(plugins: readonly AftercarePlugin[]): MigrationSet[] {
  return [coreMigrationSet, mailMigrationSet, ...plugins.filter((p) => p.migrations).map((p) => ({ id: p.id, migrations: p.migrations! }))];
}

/**
 * Opens the database, runs every migration, seeds demo data when the database is empty,
 * initialises plugins and (when `background`) starts the SMTP catcher and the mail worker.
 */
export async function createHost(props: CreateHostProps): Promise<Host> {
  const { config, plugins } = props;
  validatePlugins(plugins);
  const clock = props.clock ?? (() => new Date());
  const logger = props.logger ?? consoleLogger(config.logLevel === "silent");
  const db = openDatabase<CoreTables>({ url: config.databaseUrl });
  await migrateAll(db, migrationSets(plugins));

  const mail = createMailService({ clock });
  const events = createEventBus(logger);
  const invitations = createInvitationService(db, clock, config.sessionSecret);
  const jobs = new Map<string, { intervalMs: number; job: () => Promise<void> }>();
  const timers: NodeJS.Timeout[] = [];
  const runJob = async (name: string) => {
    const entry = jobs.get(name);
    if (!entry) throw new Error(`No job named "${name}"`);
    try {
      await entry.job();
    } catch (error) {
      logger.error(`job ${name} failed`, { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const runScheduledJob = async (name: string): Promise<boolean> => {
    const entry = jobs.get(name);
    if (!entry) throw new Error(`No job named "${name}"`);
    let claimed: boolean;
    try {
      claimed = await claimScheduledRun(db, name, entry.intervalMs, clock());
    } catch (error) {
      logger.error(`job ${name} could not be scheduled`, { error: error instanceof Error ? error.message : String(error) });
      return false;
    }
    if (claimed) await runJob(name);
    return claimed;
  };
  const ctx: PluginContext = {
    db,
    mail,
    invitations,
    events,
    logger,
    clock,
    settings: { publicBaseUrl: config.publicBaseUrl, mailFrom: config.mailFrom },
    services: (() => {
      const registry = new Map<string, unknown>();
      return {
        provide(name: string, implementation: unknown) {
          if (registry.has(name)) throw new Error(`Service "${name}" is provided twice`);
          registry.set(name, implementation);
        },
        get<T>(name: string) {
          return registry.get(name) as T | undefined;
        },
      };
    })(),
    scheduler: {
      every(name, intervalMs, job) {
        if (jobs.has(name)) throw new Error(`Job "${name}" is registered twice`);
        jobs.set(name, { intervalMs, job });
      },
    },
    audit: (trx, entry) => writeAudit(trx, entry, clock().toISOString()),
  };
  for (const plugin of plugins) {
    for (const [name, handler] of Object.entries(plugin.on ?? {})) events.on(name, (payload) => handler(ctx, payload));
  }
  for (const plugin of plugins) await plugin.init?.(ctx);

  const demoLogins = config.seedDemo ? await seedDemo(db, plugins, ctx) : [];

  let catcher: Awaited<ReturnType<typeof startMailCatcher>> | null = null;
  let worker: ReturnType<typeof createOutboxWorker> | null = null;
  if (props.background) {
    let smtpUrl = config.smtpUrl;
    if (!smtpUrl) {
      catcher = await startMailCatcher({ db });
      smtpUrl = catcher.url;
    }
    if (config.mailWorker) {
      worker = createOutboxWorker({ db, transport: createTransportFromUrl(smtpUrl), from: config.mailFrom, clock, logger, leaseMs: config.mailLeaseSeconds * 1000 });
      worker.start();
    }
    const tick = (name: string) => void runScheduledJob(name).then((ran) => ran && worker?.kick());
    for (const name of jobs.keys()) {
      timers.push(setTimeout(() => tick(name), 2_000).unref());
      timers.push(setInterval(() => tick(name), jobs.get(name)!.intervalMs).unref());
    }
  }
  const roleCache = new Map<Role, ReadonlySet<string>>();
  return {
    config,
    db,
    plugins,
    ctx,
    messages: mergeMessages(plugins),
    catcher: catcher ? { url: catcher.url, port: catcher.port } : null,
    demoLogins,
    permissionsFor(role) {
      let set = roleCache.get(role);
      if (!set) roleCache.set(role, (set = permissionsForRole(role, plugins)));
      return set;
    },
    kickMail() {
      worker?.kick();
    },
    jobNames: () => [...jobs.keys()],
    runJob,
    runScheduledJob,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await worker?.stop();
      await catcher?.close();
      await db.destroy();
    },
  };
}

const HOST_KEY = Symbol.for("aftercare.host");
type GlobalWithHost = typeof globalThis & { [HOST_KEY]?: Promise<Host> };

/** Installs the process's host (once; dev-mode module reloads reuse it). */
export function installHost(create: () => Promise<Host>): Promise<Host> {
  const g = globalThis as GlobalWithHost;
  g[HOST_KEY] ??= create();
  return g[HOST_KEY];
}

/** The process's host; loaders and actions call this (usually through the guards). */
export function getHost(): Promise<Host> {
  const host = (globalThis as GlobalWithHost)[HOST_KEY];
  if (!host) throw new Error("The Aftercare host has not been started (installHost was never called)");
  return host;
}
