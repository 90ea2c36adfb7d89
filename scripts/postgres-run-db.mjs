// The PostgreSQL pass of `npm test` runs on a database of its own, made fresh for the run on the
// server TEST_POSTGRES_URL names and dropped afterwards. Byte-order collation ('C'), as SQLite
// compares text, so ORDER BY gives the same order on both.
import crypto from "node:crypto";
import { createRequire } from "node:module";

// pg is a dependency of packages/db; resolve it from there.
const require = createRequire(new URL("../packages/db/package.json", import.meta.url));
const pg = require("pg");

async function admin(serverUrl, text) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * @param {string} serverUrl e.g. postgres://postgres:secret@127.0.0.1:5432/postgres
 * @returns {Promise<{ name: string, url: string, drop(): Promise<void> }>}
 */
export async function createRunDatabase(serverUrl) {
  const name = `aftercare_test_${Date.now()}_${crypto.randomBytes(3).toString("hex")}`;
  await admin(serverUrl, `create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`),
  };
}
