// The references the ratios are taken against, run as their own process like the app:
//   MODE=insert  a bare node:http server doing one better-sqlite3 insert of the same response row
//                per POST (the app's satisfaction_response table and indexes, WAL, same synchronous)
//   MODE=pginsert the same on PostgreSQL: one insert per POST into a copy of the app's
//                satisfaction_response table (same columns and indexes, REF_PG_TABLE) through a pg
//                pool of REF_PG_POOL connections (the app's default pool is 10)
//   MODE=html    a bare node:http server answering every GET with the same HTML from memory
// Prints "listening <port>" once ready.
import fs from "node:fs";
import http from "node:http";
import Database from "better-sqlite3";

const mode = process.env.MODE;
let handler;

/** Reads a POSTed survey form (as the app's page sends it) and hands over its parsed `payload`. */
function readAnswers(req, then) {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => then(JSON.parse(new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("payload") ?? "null")));
}

if (mode === "insert") {
  const db = new Database(process.env.REF_DB);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = OFF"); // the parent tables (campaigns, recipients…) are not here
  db.pragma("busy_timeout = 5000");
  db.pragma(`synchronous = ${process.env.REF_SYNCHRONOUS ?? "NORMAL"}`);
  // The same table and indexes as the app's (their SQL is passed in from the app's database).
  for (const sql of JSON.parse(process.env.REF_SCHEMA)) db.exec(sql);
  const scores = JSON.parse(process.env.REF_SCORES);
  const insert = db.prepare(
    `insert into satisfaction_response (campaign_id, template_id, recipient_id, customer_id, region, tier, owner_id, submitted_at, score, satisfied, product_score, service_score, lowest_level, answers_json)
     values (1, 1, ?, ?, 'bench', 'mid', null, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let next = 1;
  handler = (req, res) => {
    readAnswers(req, (answers) => {
      const id = next++;
      insert.run(id, id, new Date().toISOString(), scores.score, scores.satisfied, scores.product, scores.service, scores.lowest, JSON.stringify(answers));
      res.writeHead(200, { "Content-Type": "text/x-script" });
      res.end('[{"_1":2},"data",{"_3":4},"ok",true]');
    });
  };
} else if (mode === "pginsert") {
  const { pgPool } = await import("./pg.mjs");
  const pool = pgPool(process.env.REF_PG_URL, Number(process.env.REF_PG_POOL ?? 10));
  const scores = JSON.parse(process.env.REF_SCORES);
  const table = process.env.REF_PG_TABLE;
  if (!/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`REF_PG_TABLE must be schema.table (got ${table})`);
  const text = `insert into ${table} (campaign_id, template_id, recipient_id, customer_id, region, tier, owner_id, submitted_at, score, satisfied, product_score, service_score, lowest_level, answers_json)
     values (1, 1, $1, $1, 'bench', 'mid', null, $2, $3, $4, $5, $6, $7, $8)`;
  let next = 1;
  handler = (req, res) => {
    readAnswers(req, (answers) => {
      const id = next++;
      pool.query({ name: "ref-insert", text, values: [id, new Date().toISOString(), scores.score, scores.satisfied, scores.product, scores.service, scores.lowest, JSON.stringify(answers)] }).then(
        () => {
          res.writeHead(200, { "Content-Type": "text/x-script" });
          res.end('[{"_1":2},"data",{"_3":4},"ok",true]');
        },
        (error) => {
          res.writeHead(500, { "Content-Type": "text/plain" });
          res.end(String(error?.message ?? error));
        },
      );
    });
  };
} else if (mode === "html") {
  const html = fs.readFileSync(process.env.REF_HTML);
  handler = (req, res) => {
    req.resume();
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": html.length });
    res.end(html);
  };
} else {
  throw new Error(`MODE must be insert, pginsert or html (got ${mode})`);
}

const server = http.createServer(handler);
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
});
