// Turns the suites' measurements into the one table of the bench: case, figure, reference, ratio,
// target, pass/fail. Targets are issue 7's; `judge: false` (the smoke test) leaves them out.

const fmt = (x, digits = typeof x === "number" && Math.abs(x) < 1 && x !== 0 ? 3 : 1) => (x === null || x === undefined || Number.isNaN(x) ? "—" : typeof x === "number" ? x.toLocaleString("en-US", { maximumFractionDigits: digits }) : String(x));

/**
 * One row: `value`/`reference` are numbers (or strings), `unit` is shown after them, `target`
 * is `{ op: ">=" | "<=" | "==", value, on: "value" | "ratio", text }` or null (information only).
 */
function row(id, name, value, unit, reference = null, refUnit = unit, target = null, note = "") {
  const ratio = typeof value === "number" && typeof reference === "number" && reference > 0 ? value / reference : null;
  let pass = null;
  if (target) {
    const subject = target.on === "ratio" ? ratio : value;
    if (subject === null || subject === undefined || (typeof subject === "number" && Number.isNaN(subject))) pass = false;
    else if (target.op === ">=") pass = subject >= target.value;
    else if (target.op === "<=") pass = subject <= target.value;
    else pass = subject === target.value;
  }
  return { id, name, value, unit, reference, refUnit, ratio, target: target?.text ?? null, pass, note };
}

const atLeastRatio = (v) => ({ op: ">=", value: v, on: "ratio", text: `ratio ≥ ${v}` });
const atMost = (v, unit) => ({ op: "<=", value: v, on: "value", text: `≤ ${fmt(v, 0)} ${unit}` });
const atLeast = (v, unit) => ({ op: ">=", value: v, on: "value", text: `≥ ${fmt(v, 0)} ${unit}` });
const zero = { op: "==", value: 0, on: "value", text: "= 0" };
const yes = { op: "==", value: "yes", on: "value", text: "yes" };

/** "cases 1–3", or the ones that ran (`--only`). */
function rssCases(s) {
  const ran = Object.keys(s.rss.peakMbByCase ?? {}).filter((k) => k !== "start").map((k) => k.replace("case ", ""));
  return ran.length === 3 ? "cases 1–3" : ran.length === 1 ? `case ${ran[0]}` : `cases ${ran.join(", ")}`;
}

/** The table rows of a bench run (`results` as run.mjs collects them). */
export function tableRows(results, { judge = true } = {}) {
  const t = (target) => (judge ? target : null);
  const rows = [];
  const s = results.satisfaction;
  const p = results.postgres;
  // Case 1 on SQLite, each figure followed by the same figure on PostgreSQL (rows "1 pg").
  const submitRows = (sub, id, refLabel) => {
    const out = [];
    out.push(row(id, `Survey submission, ${sub.connections} connections: requests/s`, sub.rps, "req/s", sub.reference.rps, `req/s (${refLabel})`, t(atLeastRatio(0.5))));
    out.push(row(id, "Survey submission: p99 latency", sub.p99, "ms", sub.reference.p99, "ms", t(atMost(100, "ms")), `p50 ${fmt(sub.p50, 0)} ms; p99 without each connection's first request ${fmt(sub.steadyP99, 0)} ms`));
    out.push(row(id, "Survey submission: errors", sub.errors, "", null, "", t(zero)));
    out.push(row(id, "Survey submission: rows lost", sub.check.lost, "", null, "", t(zero), `${sub.check.acknowledged} acknowledged, ${sub.check.responses} stored`));
    out.push(row(id, "Survey submission: rows duplicated", sub.check.duplicated, "", null, "", t(zero)));
    if (sub.check.aggregateMismatches !== undefined)
      out.push(row(id, "Survey submission: report aggregates ≠ recount of the rows", sub.check.aggregateMismatches, "", null, "", t(zero), `${sub.check.aggregate.kept.n} responses counted in the aggregates, ${sub.check.aggregate.recount.n} stored`));
    out.push(row(id, "  floor: smallest public action (POST /language.data)", sub.floor.rps, "req/s", sub.reference.rps, `req/s (${refLabel})`, null, "information: Remix + guards, no DB write"));
    if (sub.cpuMsPerRequest != null)
      out.push(
        row(id, "  server CPU per submission", sub.cpuMsPerRequest, "ms", sub.reference.cpuMsPerRequest, `ms (${refLabel})`, null,
          `information: floor (POST /language.data) ${fmt(sub.floor.cpuMsPerRequest, 2)} ms; submission ÷ floor ${fmt(sub.cpuMsPerRequest / sub.floor.cpuMsPerRequest, 2)}${id.endsWith("pg") ? "; app process only (PostgreSQL's own CPU not counted)" : ""}`),
      );
    return out;
  };
  rows.push(...interleave(s?.submit ? submitRows(s.submit, "1", "bare insert") : [], p?.submit ? submitRows(p.submit, "1 pg", "bare pg insert") : []));
  if (s?.open) {
    const open = s.open;
    rows.push(row("2", "Opening the personal link: requests/s", open.rps, "req/s", open.reference.rps, "req/s (bare HTML)", t(atLeastRatio(0.3)), `${fmt(open.pageBytes / 1024, 0)} KB page`));
    rows.push(row("2", "Opening the personal link: p99 latency", open.p99, "ms", open.reference.p99, "ms", null, `p50 ${fmt(open.p50, 0)} ms; p99 without each connection's first request ${fmt(open.steadyP99, 0)} ms`));
    rows.push(row("2", "  floor: smallest public page (GET /link-invalid)", open.floor.rps, "req/s", open.reference.rps, "req/s (bare HTML)", null, "information: Remix document render, no query"));
    if (open.cpuMsPerRequest != null)
      rows.push(
        row("2", "  server CPU per page", open.cpuMsPerRequest, "ms", open.reference.cpuMsPerRequest, "ms (bare HTML)", null,
          `information: floor (GET /link-invalid) ${fmt(open.floor.cpuMsPerRequest, 2)} ms; page ÷ floor ${fmt(open.cpuMsPerRequest / open.floor.cpuMsPerRequest, 2)}`),
      );
  }
  const reportRows = (r, seed, id) => {
    const pgRun = id.endsWith("pg");
    return [
      row(id, `Report of one campaign (${fmt(r.responsesPerCampaign, 0)} of ${fmt(seed.responses, 0)} responses): DB time (${pgRun ? "server, EXPLAIN ANALYZE" : "CPU"})`, r.dbMs, "ms", r.json.ms, "ms (same from JSON answers)", t(atMost(10, "ms")),
        `${r.statements.length} statements; wall ${pgRun ? "at the client over loopback TCP " : ""}${fmt(r.dbWallMs)} ms (JSON: ${fmt(r.json.wallMs)} ms)${r.json.agree ? "" : "; JSON aggregate DISAGREES"}`),
      row(id, `Report queries use an index (${pgRun ? "EXPLAIN" : "EXPLAIN QUERY PLAN"})`, r.usesIndex ? "yes" : "no", "", null, "", t(yes),
        pgRun ? (r.bigSeqScans.length ? `sequential scans of ${r.bigSeqScans.join(", ")}` : r.smallSeqScans.length ? `sequential reads only of tables ≤ 1,000 rows (${[...new Set(r.smallSeqScans)].join(", ")})` : "") : ""),
      row(id, "Report page over HTTP (rendered, manager)", r.page.ms, "ms", null, "", t(atMost(300, "ms")), `server CPU ${fmt(r.page.serverCpuMs, 0)} ms a page; first view ${fmt(r.page.firstMs, 0)} ms`),
      row(id, `Trend across ${r.trend.campaigns} campaigns (nothing cached, ${pgRun ? "server time" : "CPU"})`, r.trend.ms, "ms", r.trend.jsonMs, "ms (same from JSON answers)", t(atMost(1000, "ms")),
        `wall ${fmt(r.trend.wallMs, 0)} ms (JSON: ${fmt(r.trend.jsonWallMs, 0)} ms); later views ${fmt(r.trend.warmMs, 2)} ms`),
    ];
  };
  rows.push(...interleave(s?.report ? reportRows(s.report, s.seed, "3") : [], p?.report ? reportRows(p.report, p.seed, "3 pg") : []));
  const m = results.mail;
  if (m) {
    rows.push(row("4", `Sending a campaign: ${fmt(m.send.recipients, 0)} recipients enqueued`, m.send.enqueueMs, "ms", null, "", t(atMost(2000, "ms"))));
    rows.push(row("4", "Outbox drain into the built-in catcher", m.send.mailsPerSecond, "mails/s", null, "", t(atLeast(250, "mails/s")), `${fmt(m.send.caught, 0)} caught, ${fmt(m.send.failed, 0)} failed`));
    rows.push(row("4", "Mail sent twice", m.send.duplicates, "", null, "", t(zero)));
    rows.push(row("5", `Import of ${fmt(m.import.rows, 0)} customers from CSV (upload + preview + commit)`, m.import.totalMs, "ms", null, "", t(atMost(3000, "ms")), `upload ${fmt(m.import.uploadMs, 0)}, preview ${fmt(m.import.previewMs, 0)}, commit ${fmt(m.import.commitMs, 0)} ms`));
  }
  const r360 = results.review360;
  if (r360?.skipped) rows.push(row("6", "360 report", `skipped: ${r360.skipped}`, ""));
  else if (r360?.error) rows.push(row("6", "360 report", "could not run", "", null, "", judge ? { op: "==", value: "ran", on: "value", text: "runs" } : null, r360.error));
  else if (r360) {
    rows.push(row("6", `360: one reviewee's report (${r360.reviewees} × ${r360.raters} raters)`, r360.revieweeMs, "ms", null, "", t(atMost(100, "ms"))));
    rows.push(row("6", `360: team heatmap of ${r360.teamSize} reviewees`, r360.heatmapMs, "ms", null, "", t(atMost(500, "ms")), `${fmt(r360.answers, 0)} answers in the cycle`));
  }
  if (p?.error) rows.push(row("pg", "PostgreSQL column (cases 1, 3)", "could not run", "", null, "", judge ? { op: "==", value: "ran", on: "value", text: "runs" } : null, p.error));
  if (s) rows.push(row("7", `Server RSS, peak through ${rssCases(s)}`, s.rss.peakMb, "MB", null, "", t(atMost(250, "MB")), [...Object.entries(s.rss.peakMbByCase ?? {}).map(([k, v]) => `${k}: ${fmt(v, 0)}`), `node flags: ${s.rss.nodeFlags?.join(" ") || "none"}`].join(", ")));
  if (p?.rss) rows.push(row("7 pg", "Server RSS on PostgreSQL, peak through cases 1, 3", p.rss.peakMb, "MB", null, "", null, `information: ${Object.entries(p.rss.peakMbByCase ?? {}).map(([k, v]) => `${k}: ${fmt(v, 0)}`).join(", ")}`));
  return rows;
}

/** a0, b0, a1, b1, …: each SQLite row followed by the same figure on PostgreSQL. */
function interleave(a, b) {
  const out = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]);
    if (i < b.length) out.push(b[i]);
  }
  return out;
}

/** The table as text. */
export function formatTable(rows) {
  const head = ["#", "figure", "measured", "reference", "ratio", "target", "result", "notes"];
  const body = rows.map((r) => [
    r.id,
    r.name,
    `${fmt(r.value)}${r.unit && typeof r.value === "number" ? ` ${r.unit}` : ""}`,
    r.reference === null ? "" : `${fmt(r.reference)} ${r.refUnit}`,
    r.ratio === null ? "" : fmt(r.ratio, 3),
    r.target ?? "",
    r.pass === null ? (r.note.startsWith("information") ? "info" : "") : r.pass ? "pass" : "FAIL",
    r.note.replace(/^information: /, ""),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
