// PostgreSQL for the bench's PostgreSQL column (issue 9): a scratch database per run, a client
// that speaks the bench's `?` SQL, and a seed done inside the server (INSERT … SELECT over
// generate_series and small sample tables) that yields the same rows the SQLite seed
// (lib/seed.mjs) yields: same customers, same answer sample drawn by the same PRNG, scored by the
// app's own `scoreResponse`, the same pick of an answer per recipient.
import crypto from "node:crypto";
import path from "node:path";
import { createRequire } from "node:module";
import { repoRoot } from "./server.mjs";
import { prng } from "./seed.mjs";
import { invitationId, invitationToken } from "./secrets.mjs";

// pg is a dependency of packages/db; resolve it from there (the bench installs nothing).
const pg = createRequire(path.join(repoRoot, "packages/db/package.json"))("pg");

// As the app does (packages/db/src/open.ts): count(*)/sum(integer) (int8) and numeric as numbers.
const types = {
  getTypeParser(oid, format) {
    if (oid === 20 || oid === 1700) return (value) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** A connection string without the app's own `schema`/`pool` parameters, and the schema. */
function split(url) {
  const u = new URL(url);
  const schema = u.searchParams.get("schema");
  u.searchParams.delete("schema");
  u.searchParams.delete("pool");
  return { connectionString: u.toString(), schema };
}

/** pg.Client/pg.Pool options for a database URL (honouring `?schema=` as the app does). */
export function pgOptions(url) {
  const { connectionString, schema } = split(url);
  return { connectionString, types, options: schema ? `-c search_path=${schema}` : undefined };
}

/** A pg.Pool over a database URL, with the app's number parsing. */
export function pgPool(url, max = 4) {
  return new pg.Pool({ ...pgOptions(url), max });
}

/** The password of a URL replaced, for logs. */
export function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}

/**
 * A fresh database on the server `serverUrl` names (`bench_pg_<time>_<hex>`, byte-order collation
 * like the test runs), and `drop()` for it. Only this database is ever dropped.
 */
export async function createBenchDatabase(serverUrl) {
  const name = `bench_pg_${Date.now()}_${crypto.randomBytes(3).toString("hex")}`;
  const admin = async (text) => {
    const client = new pg.Client({ connectionString: split(serverUrl).connectionString });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  u.searchParams.delete("schema");
  return { name, url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** `?` placeholders (the bench's SQLite SQL) as `$1, $2, …`. The bench's SQL has no `?` in literals. */
const numbered = (sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * One connection (temp tables and session settings stay on it) with the access the cases use:
 * `all`, `get`, `value` (first column of the first row), `exec` (several statements, no
 * parameters). Same shape as `sqliteAccess` in cases.mjs, so the row checks are shared.
 */
export async function pgAccess(url) {
  const client = new pg.Client(pgOptions(url));
  await client.connect();
  const query = async (sql, params) => (await client.query(numbered(sql), params)).rows;
  return {
    dialect: "postgres",
    client,
    query,
    all: (sql, ...params) => query(sql, params),
    get: async (sql, ...params) => (await query(sql, params))[0],
    value: async (sql, ...params) => {
      const row = (await query(sql, params))[0];
      return row ? Object.values(row)[0] : undefined;
    },
    exec: (sql) => client.query(sql),
    close: () => client.end(),
  };
}

const REGIONS = ["华东", "华南", "华北", "西南", "华中", "西北"];
const TIERS = ["high", "mid", "standard"];
const textArray = (xs) => `array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(", ")}]::text[]`;

/** The default template the server's first start created, frozen (as lib/seed.mjs `benchTemplate`). */
export async function pgBenchTemplate(db) {
  const row = await db.get("select id, definition_json, survey_json from satisfaction_template order by id limit 1");
  if (!row) throw new Error("No satisfaction template: start the server once before seeding");
  await db.query("update satisfaction_template set frozen = 1 where id = $1", [row.id]);
  return { id: row.id, definition: JSON.parse(row.definition_json), survey: JSON.parse(row.survey_json) };
}

/** An admin, a manager and `owners` staff members (as `seedStaff`). */
export async function pgSeedStaff(db, owners = 8) {
  const now = new Date().toISOString();
  const add = async (email, name, role, kind) =>
    (await db.query("insert into users (email, name, role, staff_kind, locale, active, created_at, updated_at) values ($1, $2, $3, $4, 'en', 1, $5, $5) returning id", [email, name, role, kind, now]))[0].id;
  const adminId = await add("bench.admin@bench.test", "Bench Admin", "admin", null);
  const managerId = await add("bench.manager@bench.test", "Bench Manager", "manager", null);
  const ownerIds = [];
  for (let i = 0; i < owners; i++) ownerIds.push(await add(`bench.staff${i}@bench.test`, `Bench Staff ${i}`, "staff", "field"));
  return { adminId, managerId, ownerIds };
}

/** `count` customers in one INSERT … SELECT over generate_series (the rows of `seedCustomers`). */
export async function pgSeedCustomers(db, { count, prefix, ownerIds = [], region = null, locale = "en" }) {
  const now = new Date().toISOString();
  const owner = ownerIds.length ? `(array[${ownerIds.map(Number).join(",")}]::integer[])[(g % ${ownerIds.length}) + 1]` : "null";
  const rows = await db.query(
    `insert into customers (company, contact_name, email, region, tier, owner_id, locale, email_opt_out, active, created_at, updated_at)
     select $1 || ' Co. ' || g, 'Contact ' || g, 'c' || g || '@' || $2 || '.bench.test', coalesce($3::text, (${textArray(REGIONS)})[(g % ${REGIONS.length}) + 1]),
            (${textArray(TIERS)})[(g % ${TIERS.length}) + 1], ${owner}, $4, 0, 1, $5, $5
     from generate_series(0, $6::integer - 1) g order by g returning id`,
    [prefix, prefix.toLowerCase(), region, locale, now, count],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

async function pgInsertCampaign(db, { templateId, name, status, audience, createdBy, inScope = 0, sentAt = null, closedAt = null }) {
  const now = Date.now();
  const opens = sentAt ?? new Date(now - 86_400_000).toISOString();
  const closes = closedAt ?? new Date(now + 30 * 86_400_000).toISOString();
  const rows = await db.query(
    `insert into satisfaction_campaign (name, period, template_id, audience_json, status, opens_at, closes_at, reminder_after_days, reminder_max, in_scope, created_by, created_at, sent_at, closed_at)
     values ($1, $1, $2, $3, $4, $5, $6, 7, 0, $7, $8, $5, $9, $10) returning id`,
    [name, templateId, JSON.stringify(audience ?? { tiers: [], regions: [], ownerId: null }), status, opens, closes, inScope, createdBy ?? null, sentAt, status === "closed" ? closes : null],
  );
  return rows[0].id;
}

/** An open campaign with a personal link per customer (as `seedOpenCampaign`): two INSERT … SELECT FROM unnest. */
export async function pgSeedOpenCampaign(db, { templateId, customerIds, secret, name = "Bench open campaign", createdBy = null }) {
  const campaignId = await pgInsertCampaign(db, { templateId, name, status: "open", createdBy, inScope: customerIds.length, sentAt: new Date(Date.now() - 3_600_000).toISOString() });
  const now = new Date().toISOString();
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const ids = [];
  const hashes = [];
  const tokens = [];
  for (let k = 0; k < customerIds.length; k++) {
    const id = invitationId();
    const { token, secretHash } = invitationToken(secret, id);
    ids.push(id);
    hashes.push(secretHash);
    tokens.push(token);
  }
  await db.query(
    `insert into invitations (id, secret_hash, purpose, subject_ref, recipient_email, recipient_name, customer_id, locale, state, expires_at, created_at)
     select i.id, i.h, 'satisfaction', $3, 'c' || i.c || '@open.bench.test', 'Contact ' || i.c, i.c, 'en', 'sent', $4, $5
     from unnest($1::text[], $2::text[], $6::integer[]) as i(id, h, c)`,
    [ids, hashes, String(campaignId), expires, now, customerIds],
  );
  await db.query(
    `insert into satisfaction_recipient (campaign_id, customer_id, invitation_id, status, email, locale, mail_key, reminders_sent)
     select $1::integer, i.c, i.id, 'invited', 'c' || i.c || '@open.bench.test', 'en', 'satisfaction:' || $1::integer || ':invite:' || i.c, 0
     from unnest($2::text[], $3::integer[]) with ordinality as i(id, c, k) order by i.k`,
    [campaignId, ids, customerIds],
  );
  return { campaignId, tokens };
}

/**
 * `campaigns` closed campaigns answered by every customer of `customerIds` (as
 * `seedAnsweredCampaigns`): the same 1,009-answer sample from the same PRNG, scored by the app's
 * `scoreResponse`, loaded into temp tables; then recipients, responses and item scores each in
 * one INSERT … SELECT inside the server, with the three big tables' secondary indexes dropped
 * while loading and rebuilt from their own `pg_indexes` definitions (constraint indexes stay).
 * Commits asynchronously (synchronous_commit off for this session only). Returns the campaign ids.
 */
export async function pgSeedAnsweredCampaigns(db, { template, campaigns, customerIds, scoreResponse, createdBy = null, seed = 7 }) {
  const def = template.definition;
  const values = def.scale.map((l) => l.value);
  const random = prng(seed);
  const pickValue = () => values[Math.min(values.length - 1, Math.floor(random() ** 1.8 * values.length))];
  const SAMPLE = 1009;
  const answers = [];
  const byJson = new Map();
  const picks = [];
  for (let n = 0; n < SAMPLE; n++) {
    const a = {};
    for (const i of def.items) a[i.question] = pickValue();
    const json = JSON.stringify(a);
    let id = byJson.get(json);
    if (id === undefined) {
      const s = scoreResponse(def, a);
      id = answers.length + 1;
      answers.push({ id, json, s });
      byJson.set(json, id);
    }
    picks.push(id);
  }
  await db.exec("set synchronous_commit = off; set maintenance_work_mem = '256MB'; set work_mem = '64MB'");
  await db.exec(`
    drop table if exists bench_answer; drop table if exists bench_answer_item; drop table if exists bench_pick; drop table if exists bench_campaign;
    create temp table bench_answer (id integer primary key, json text not null, score double precision, satisfied integer, product double precision, service double precision, lowest integer);
    create temp table bench_answer_item (answer_id integer, item text, points double precision);
    create temp table bench_pick (n integer primary key, answer_id integer);
    create temp table bench_campaign (id integer primary key, k integer, submitted_at text);
  `);
  await db.query(
    "insert into bench_answer select * from unnest($1::integer[], $2::text[], $3::float8[], $4::integer[], $5::float8[], $6::float8[], $7::integer[])",
    [answers.map((a) => a.id), answers.map((a) => a.json), answers.map((a) => a.s.score), answers.map((a) => (a.s.satisfied ? 1 : 0)), answers.map((a) => a.s.product), answers.map((a) => a.s.service), answers.map((a) => (a.s.lowestLevel ? 1 : 0))],
  );
  const items = answers.flatMap((a) => Object.entries(a.s.items).map(([item, points]) => [a.id, item, points]));
  await db.query("insert into bench_answer_item select * from unnest($1::integer[], $2::text[], $3::float8[])", [items.map((x) => x[0]), items.map((x) => x[1]), items.map((x) => x[2])]);
  await db.query("insert into bench_pick select n - 1, a from unnest($1::integer[]) with ordinality as p(a, n)", [picks]);

  const ids = [];
  const submitted = [];
  for (let c = 0; c < campaigns; c++) {
    const year = 2000 + Math.floor(c / 4);
    const sentAt = Date.UTC(year, (c % 4) * 3, 1);
    ids.push(
      await pgInsertCampaign(db, {
        templateId: template.id,
        name: `Bench ${year} Q${(c % 4) + 1}`,
        status: "closed",
        createdBy,
        inScope: customerIds.length,
        sentAt: new Date(sentAt).toISOString(),
        closedAt: new Date(sentAt + 30 * 86_400_000).toISOString(),
      }),
    );
    submitted.push(new Date(Date.UTC(year, (c % 4) * 3, 10)).toISOString());
  }
  if (ids.length === 0) return ids;
  await db.query("insert into bench_campaign select id, k, s from unnest($1::integer[], $2::text[]) with ordinality as x(id, s, k)", [ids, submitted]);

  const big = ["satisfaction_recipient", "satisfaction_response", "satisfaction_item_score"];
  const secondary = await db.all(
    `select i.indexname as name, i.indexdef as sql from pg_indexes i
     where i.schemaname = current_schema() and i.tablename = any(?)
       and not exists (select 1 from pg_constraint k where k.conname = i.indexname and k.connamespace = (select oid from pg_namespace where nspname = current_schema()))`,
    big,
  );
  await db.exec("begin");
  try {
    for (const index of secondary) await db.exec(`drop index "${index.name}"`);
    await db.query(
      `insert into satisfaction_recipient (campaign_id, customer_id, invitation_id, status, email, locale, mail_key, reminders_sent)
       select bc.id, c.id, null, 'invited', c.email, 'en', null, 0
       from bench_campaign bc cross join unnest($1::integer[]) as b(id) join customers c on c.id = b.id
       order by bc.k, c.id`,
      [customerIds],
    );
    await db.query(
      `insert into satisfaction_response (campaign_id, template_id, recipient_id, customer_id, region, tier, owner_id, submitted_at, score, satisfied, product_score, service_score, lowest_level, answers_json)
       select rc.campaign_id, $1, rc.id, rc.customer_id, c.region, c.tier, c.owner_id, bc.submitted_at, a.score, a.satisfied, a.product, a.service, a.lowest, a.json
       from bench_campaign bc join satisfaction_recipient rc on rc.campaign_id = bc.id join customers c on c.id = rc.customer_id
         join bench_pick p on p.n = (rc.id::bigint * 7919) % ${SAMPLE} join bench_answer a on a.id = p.answer_id
       order by rc.id`,
      [template.id],
    );
    await db.exec(
      `insert into satisfaction_item_score (response_id, campaign_id, item, points)
       select r.id, r.campaign_id, i.item, i.points
       from bench_campaign bc join satisfaction_response r on r.campaign_id = bc.id
         join bench_pick p on p.n = (r.recipient_id::bigint * 7919) % ${SAMPLE} join bench_answer_item i on i.answer_id = p.answer_id
       order by r.id`,
    );
    for (const index of secondary) await db.exec(index.sql);
    await db.exec("commit");
  } catch (error) {
    await db.exec("rollback");
    throw error;
  }
  await db.exec("drop table bench_answer; drop table bench_answer_item; drop table bench_pick; drop table bench_campaign;");
  return ids;
}

/** A live staff session (as `insertSession`), its cookie token. */
export async function pgInsertSession(db, userId, hours = 12) {
  const token = crypto.randomBytes(32).toString("base64url");
  const now = new Date();
  await db.query("insert into sessions (id, user_id, created_at, last_seen_at, expires_at) values ($1, $2, $3, $3, $4)", [
    crypto.createHash("sha256").update(token).digest("hex"),
    userId,
    now.toISOString(),
    new Date(now.getTime() + hours * 3_600_000).toISOString(),
  ]);
  return token;
}
