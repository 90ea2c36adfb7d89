// Seeds a migrated scratch database directly with better-sqlite3: prepared statements in big
// transactions. Only while the server is stopped (bulk mode switches the journal off).
import Database from "better-sqlite3";
import { invitationId, invitationToken } from "./secrets.mjs";

/** Opens the app's database file for seeding or checking. */
export function openDb(file) {
  const db = new Database(file, { fileMustExist: true, timeout: 10_000 });
  db.pragma("busy_timeout = 10000");
  return db;
}

/**
 * Runs `fn` with the journal and fsync off and a large cache, then puts WAL back. Only for a
 * database no other process has open (the server is stopped while seeding).
 */
export function bulkMode(db, fn) {
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144"); // 256 MB
  db.pragma("foreign_keys = OFF");
  try {
    return fn();
  } finally {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
  }
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed = 42) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS = ["华东", "华南", "华北", "西南", "华中", "西北"];
const TIERS = ["high", "mid", "standard"];

/** The satisfaction plugin's default template (created by the server's first start), frozen. */
export function benchTemplate(db) {
  const row = db.prepare("select id, definition_json, survey_json from satisfaction_template order by id limit 1").get();
  if (!row) throw new Error("No satisfaction template: start the server once before seeding");
  db.prepare("update satisfaction_template set frozen = 1 where id = ?").run(row.id);
  return { id: row.id, definition: JSON.parse(row.definition_json), survey: JSON.parse(row.survey_json) };
}

/** An admin, a manager and `owners` staff members (no passwords: the bench inserts sessions). */
export function seedStaff(db, owners = 8) {
  const now = new Date().toISOString();
  const insert = db.prepare(
    "insert into users (email, name, role, staff_kind, locale, active, created_at, updated_at) values (?, ?, ?, ?, 'en', 1, ?, ?)",
  );
  return db.transaction(() => {
    const adminId = Number(insert.run("bench.admin@bench.test", "Bench Admin", "admin", null, now, now).lastInsertRowid);
    const managerId = Number(insert.run("bench.manager@bench.test", "Bench Manager", "manager", null, now, now).lastInsertRowid);
    const ownerIds = [];
    for (let i = 0; i < owners; i++) ownerIds.push(Number(insert.run(`bench.staff${i}@bench.test`, `Bench Staff ${i}`, "staff", "field", now, now).lastInsertRowid));
    return { adminId, managerId, ownerIds };
  })();
}

/**
 * `count` active customers with reachable addresses, spread over regions, tiers and owners.
 * Returns their ids, in order.
 */
export function seedCustomers(db, { count, prefix, ownerIds = [], region = null, locale = "en" }) {
  const now = new Date().toISOString();
  const insert = db.prepare(
    "insert into customers (company, contact_name, email, region, tier, owner_id, locale, email_opt_out, active, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?)",
  );
  return db.transaction(() => {
    const ids = [];
    for (let i = 0; i < count; i++) {
      ids.push(
        Number(
          insert.run(
            `${prefix} Co. ${i}`,
            `Contact ${i}`,
            `c${i}@${prefix.toLowerCase()}.bench.test`,
            region ?? REGIONS[i % REGIONS.length],
            TIERS[i % TIERS.length],
            ownerIds.length ? ownerIds[i % ownerIds.length] : null,
            locale,
            now,
            now,
          ).lastInsertRowid,
        ),
      );
    }
    return ids;
  })();
}

function insertCampaign(db, { templateId, name, status, audience, createdBy, inScope = 0, sentAt = null, closedAt = null }) {
  const now = Date.now();
  const iso = (days) => new Date(now + days * 86_400_000).toISOString();
  const opens = sentAt ?? iso(-1);
  const closes = closedAt ?? iso(30);
  return Number(
    db
      .prepare(
        `insert into satisfaction_campaign (name, period, template_id, audience_json, status, opens_at, closes_at, reminder_after_days, reminder_max, in_scope, created_by, created_at, sent_at, closed_at)
         values (?, ?, ?, ?, ?, ?, ?, 7, 0, ?, ?, ?, ?, ?)`,
      )
      .run(name, name, templateId, JSON.stringify(audience ?? { tiers: [], regions: [], ownerId: null }), status, opens, closes, inScope, createdBy ?? null, opens, sentAt, status === "closed" ? closes : null)
      .lastInsertRowid,
  );
}

/** A draft campaign for an audience (what the manager sends in case 4). */
export function seedDraftCampaign(db, { templateId, name, audience, createdBy }) {
  return insertCampaign(db, { templateId, name, status: "draft", audience, createdBy });
}

/**
 * An open campaign with a personal link for each customer, as `sendCampaign` leaves it (without
 * the mails). Returns the campaign id and the tokens, in customer order.
 */
export function seedOpenCampaign(db, { templateId, customerIds, secret, name = "Bench open campaign", createdBy = null }) {
  return db.transaction(() => {
    const campaignId = insertCampaign(db, { templateId, name, status: "open", createdBy, inScope: customerIds.length, sentAt: new Date(Date.now() - 3_600_000).toISOString() });
    const now = new Date().toISOString();
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const invitation = db.prepare(
      "insert into invitations (id, secret_hash, purpose, subject_ref, recipient_email, recipient_name, customer_id, locale, state, expires_at, created_at) values (?, ?, 'satisfaction', ?, ?, ?, ?, 'en', 'sent', ?, ?)",
    );
    const recipient = db.prepare(
      "insert into satisfaction_recipient (campaign_id, customer_id, invitation_id, status, email, locale, mail_key, reminders_sent) values (?, ?, ?, 'invited', ?, 'en', ?, 0)",
    );
    const tokens = [];
    for (const customerId of customerIds) {
      const id = invitationId();
      const { token, secretHash } = invitationToken(secret, id);
      const email = `c${customerId}@open.bench.test`;
      invitation.run(id, secretHash, String(campaignId), email, `Contact ${customerId}`, customerId, expires, now);
      recipient.run(campaignId, customerId, id, email, `satisfaction:${campaignId}:invite:${customerId}`);
      tokens.push(token);
    }
    return { campaignId, tokens };
  })();
}

/**
 * `campaigns` closed campaigns, each answered by every customer in `customerIds`: recipient,
 * response and item-score rows, scored by the app's own `scoreResponse` (answers are drawn from
 * a skewed, deterministic sample of the scale). The bulk of the work is INSERT … SELECT in SQLite,
 * with the secondary indexes of the three big tables dropped while loading and rebuilt from
 * their own stored SQL afterwards, so the schema ends up exactly as the migrations made it.
 * Use inside `bulkMode`. Returns the campaign ids.
 */
export function seedAnsweredCampaigns(db, { template, campaigns, customerIds, scoreResponse, createdBy = null, seed = 7 }) {
  const def = template.definition;
  const values = def.scale.map((l) => l.value);
  const random = prng(seed);
  // Answers lean towards the top of the scale, as real ones do.
  const pickValue = () => values[Math.min(values.length - 1, Math.floor(random() ** 1.8 * values.length))];
  const SAMPLE = 1009;
  db.exec(`
    drop table if exists temp.bench_answer; drop table if exists temp.bench_answer_item; drop table if exists temp.bench_pick; drop table if exists temp.bench_customer;
    create temp table bench_answer (id integer primary key, json text not null unique, score real, satisfied integer, product real, service real, lowest integer);
    create temp table bench_answer_item (answer_id integer, item text, points real);
    create temp table bench_pick (n integer primary key, answer_id integer);
    create temp table bench_customer (id integer primary key);
  `);
  const answerIds = new Map();
  const addAnswer = db.prepare("insert into bench_answer (json, score, satisfied, product, service, lowest) values (?, ?, ?, ?, ?, ?)");
  const addItem = db.prepare("insert into bench_answer_item values (?, ?, ?)");
  const addPick = db.prepare("insert into bench_pick values (?, ?)");
  const addCustomer = db.prepare("insert into bench_customer values (?)");
  const secondary = db
    .prepare("select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('satisfaction_recipient', 'satisfaction_response', 'satisfaction_item_score')")
    .all();
  const ids = [];
  db.transaction(() => {
    for (let n = 0; n < SAMPLE; n++) {
      const answers = {};
      for (const i of def.items) answers[i.question] = pickValue();
      const json = JSON.stringify(answers);
      let id = answerIds.get(json);
      if (id === undefined) {
        const s = scoreResponse(def, answers);
        id = Number(addAnswer.run(json, s.score, s.satisfied ? 1 : 0, s.product, s.service, s.lowestLevel ? 1 : 0).lastInsertRowid);
        answerIds.set(json, id);
        for (const [item, points] of Object.entries(s.items)) addItem.run(id, item, points);
      }
      addPick.run(n, id);
    }
    for (const id of customerIds) addCustomer.run(id);
    for (const index of secondary) db.exec(`drop index "${index.name}"`);
    const recipients = db.prepare(
      "insert into satisfaction_recipient (campaign_id, customer_id, invitation_id, status, email, locale, mail_key, reminders_sent) select ?, c.id, null, 'invited', c.email, 'en', null, 0 from bench_customer b join customers c on c.id = b.id order by c.id",
    );
    const responses = db.prepare(
      `insert into satisfaction_response (campaign_id, template_id, recipient_id, customer_id, region, tier, owner_id, submitted_at, score, satisfied, product_score, service_score, lowest_level, answers_json)
       select rc.campaign_id, ?, rc.id, rc.customer_id, c.region, c.tier, c.owner_id, ?, a.score, a.satisfied, a.product, a.service, a.lowest, a.json
       from satisfaction_recipient rc join customers c on c.id = rc.customer_id join bench_pick p on p.n = (rc.id * 7919) % ${SAMPLE} join bench_answer a on a.id = p.answer_id
       where rc.campaign_id = ? order by rc.id`,
    );
    const items = db.prepare(
      `insert into satisfaction_item_score (response_id, campaign_id, item, points)
       select r.id, r.campaign_id, i.item, i.points from satisfaction_response r join bench_answer a on a.json = r.answers_json join bench_answer_item i on i.answer_id = a.id
       where r.id >= ? order by r.id`,
    );
    for (let c = 0; c < campaigns; c++) {
      const year = 2000 + Math.floor(c / 4);
      // Quarterly campaigns of the past, each closed 30 days after it was sent.
      const sentAt = Date.UTC(year, (c % 4) * 3, 1);
      const campaignId = insertCampaign(db, {
        templateId: template.id,
        name: `Bench ${year} Q${(c % 4) + 1}`,
        status: "closed",
        createdBy,
        inScope: customerIds.length,
        sentAt: new Date(sentAt).toISOString(),
        closedAt: new Date(sentAt + 30 * 86_400_000).toISOString(),
      });
      ids.push(campaignId);
      recipients.run(campaignId);
      const firstResponse = (db.prepare("select coalesce(max(id), 0) + 1 from satisfaction_response").pluck().get());
      responses.run(template.id, new Date(Date.UTC(year, (c % 4) * 3, 10)).toISOString(), campaignId);
      items.run(firstResponse);
    }
    for (const index of secondary) db.exec(index.sql);
  })();
  db.exec("drop table temp.bench_answer; drop table temp.bench_answer_item; drop table temp.bench_pick; drop table temp.bench_customer;");
  return ids;
}

/** Row counts of a few tables (for the checks after a case). */
export function count(db, sql, ...params) {
  return db.prepare(sql).pluck().get(...params);
}
