// The production HTTP server: static assets from build/client, everything else through the
// Remix request handler. Starts the host (config, database, migrations, mail) before listening.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Readable } from "node:stream";
import { createRequestHandler } from "@remix-run/node";

const here = path.dirname(fileURLToPath(import.meta.url));
const buildDir = path.resolve(here, process.env.AFTERCARE_BUILD_DIR ?? "build");
const clientDir = path.join(buildDir, "client");
const MAX_BODY = Number(process.env.MAX_BODY_BYTES ?? 20 * 1024 * 1024);
const TYPES = { ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".woff2": "font/woff2", ".json": "application/json", ".txt": "text/plain", ".map": "application/json" };

const build = await import(pathToFileURL(path.join(buildDir, "server", "index.js")).href);
let host;
try {
  host = await build.entry.module.hostReady;
} catch (error) {
  console.error(`\nAftercare could not start.\n${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
const handle = createRequestHandler(build, "production");

/**
 * Every file under build/client, by absolute path, listed once at start-up: the build never
 * changes while the server runs, and a request that is not a file (almost all of them) is then
 * answered by a lookup instead of a failing stat() and its exception.
 */
function listFiles(dir) {
  const files = new Map();
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(full, fs.statSync(full).size);
    }
  };
  walk(dir);
  return files;
}
const clientFiles = listFiles(clientDir);

/** Serves a file under build/client, or returns false. Never leaves that folder. */
function serveStatic(req, res, pathname) {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const file = path.join(clientDir, path.normalize(decoded));
  if (!file.startsWith(clientDir + path.sep)) return false;
  const size = clientFiles.get(file);
  if (size === undefined) return false;
  res.writeHead(200, {
    "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
    "Content-Length": size,
    "Cache-Control": pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
    "X-Content-Type-Options": "nosniff",
  });
  if (req.method === "HEAD") res.end();
  else fs.createReadStream(file).pipe(res);
  return true;
}

/** Bodies up to this size (with a Content-Length) are read whole before the request is built. */
const SMALL_BODY = 1024 * 1024;

/** The whole body of a small request, refused with 413 past MAX_BODY. */
async function readSmallBody(req) {
  const chunks = [];
  let seen = 0;
  for await (const chunk of req) {
    seen += chunk.length;
    if (seen > MAX_BODY) throw Object.assign(new Error("body too large"), { status: 413 });
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

async function toRequest(req, controller) {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (key.startsWith("x-aftercare-")) continue; // never trust our own internal headers from outside
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  headers.set("x-aftercare-client-ip", req.socket.remoteAddress ?? "unknown");
  const init = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const declared = Number(req.headers["content-length"]);
    if (Number.isSafeInteger(declared) && declared <= SMALL_BODY && !req.headers["transfer-encoding"]) {
      // A form post: one buffer, no stream adapters.
      init.body = await readSmallBody(req);
    } else {
      let seen = 0;
      const limited = Readable.from(
        (async function* () {
          for await (const chunk of req) {
            seen += chunk.length;
            if (seen > MAX_BODY) throw Object.assign(new Error("body too large"), { status: 413 });
            yield chunk;
          }
        })(),
      );
      init.body = Readable.toWeb(limited);
      init.duplex = "half";
    }
  }
  return new Request(url.href, init);
}

/**
 * A mutation from another origin. Remix refuses these itself, but with a bare 500 and an error
 * in the log; answer 403 first, by the same rule (Origin's host against the Host header).
 */
function crossOriginMutation(req) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return false;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const ownHost = String(req.headers["x-forwarded-host"] ?? "").split(",")[0].trim() || req.headers.host;
  try {
    return origin === "null" || !ownHost || new URL(origin).host !== ownHost;
  } catch {
    return true;
  }
}

const server = http.createServer(async (req, res) => {
  const pathname = (req.url ?? "/").split("?")[0];
  if (serveStatic(req, res, pathname)) return;
  if (crossOriginMutation(req)) {
    res.writeHead(403, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
    res.end("Forbidden (cross-origin request) / 禁止跨站请求");
    req.resume();
    return;
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY) {
    // Let the client finish sending (up to a bound) before answering: a client still writing when
    // the socket closes sees a reset instead of this answer.
    let discarded = 0;
    const refuse = () => {
      if (res.headersSent) return;
      res.writeHead(413, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" });
      res.end("Payload Too Large / 上传内容过大");
    };
    req.on("data", (chunk) => {
      discarded += chunk.length;
      if (discarded > 4 * MAX_BODY) {
        refuse();
        req.destroy();
      }
    });
    req.on("end", refuse);
    req.on("error", () => {});
    return;
  }
  const controller = new AbortController();
  // Aborted when the client goes away, and also once the response is written: that ends what
  // still listens to the request's signal (Remix's single-fetch encoder keeps a 5 s timeout,
  // holding the page's loader data, until the signal aborts).
  res.on("close", () => controller.abort());
  try {
    const response = await handle(await toRequest(req, controller));
    const headers = {};
    response.headers.forEach((value, key) => {
      if (key !== "set-cookie") headers[key] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) headers["set-cookie"] = cookies;
    res.writeHead(response.status, response.statusText, headers);
    if (response.body && req.method !== "HEAD") {
      for await (const chunk of response.body) res.write(chunk);
    }
    res.end();
  } catch (error) {
    const status = error?.status === 413 || error?.cause?.status === 413 ? 413 : 500;
    if (status === 500) console.error("[aftercare] request failed", req.method, pathname, error);
    if (!res.headersSent) res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(status === 413 ? "Payload Too Large / 上传内容过大" : "Internal Server Error / 服务器内部错误");
  }
});
server.keepAliveTimeout = 65_000;

const port = host.config.port;
server.listen(port, process.env.HOST ?? "0.0.0.0", () => {
  const lines = [
    "",
    `  Aftercare is running: ${host.config.publicBaseUrl}`,
    `  Database: ${build.entry.module.redactUrl(host.config.databaseUrl)}`,
    host.catcher ? `  Mail: built-in SMTP catcher on ${host.catcher.url} (see Admin → Mailbox)` : host.config.smtpUrl ? `  Mail: ${new URL(host.config.smtpUrl).host}` : "  Mail: not sent (background work is off)",
  ];
  if (build.entry.module.isPostgresUrl(host.config.databaseUrl) && !process.env.SESSION_SECRET) {
    lines.push("  Note: SESSION_SECRET is not set, so this instance keeps its own in DATA_DIR. Several instances", "  on one database must all be started with the same SESSION_SECRET (README, Scaling out).");
  }
  if (host.demoLogins.length) {
    lines.push("  Demo logins:");
    for (const l of host.demoLogins) lines.push(`    ${l.role.padEnd(8)} ${l.email}  /  ${l.password}`);
  }
  console.log(lines.join("\n") + "\n");
});

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  server.close();
  server.closeAllConnections?.();
  await host.close().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
