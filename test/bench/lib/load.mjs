// HTTP load from autocannon on loopback, bounded in time.
import autocannon from "autocannon";
import { cpuMs } from "./server.mjs";

/**
 * Runs autocannon against `url` for `duration` seconds with `connections` connections.
 * `next(i)` returns the i-th request (`{ method, path, headers, body, tag }`); `tag` comes back
 * in `acknowledged` for every request answered with `okStatus` (default 200) and a body that
 * `okBody` accepts. Returns requests/s, latency percentiles (`steadyP99` leaves out the first
 * request of each connection) and error counts. With `pid`, also the CPU time (user + system) that
 * process spent per request: unlike requests/s, a busy neighbour on a shared machine barely moves it.
 */
export async function runLoad({ url, connections = 50, duration = 10, next, okStatus = 200, okBody = () => true, pid = null }) {
  const cpu0 = pid ? cpuMs(pid) : Number.NaN;
  let issued = 0;
  const acknowledged = [];
  let badBodies = 0;
  const request = {
    setupRequest(req, context) {
      const r = next(issued++);
      context.tag = r.tag;
      return { ...req, method: r.method ?? "GET", path: r.path, headers: { ...req.headers, ...r.headers }, body: r.body };
    },
    onResponse(status, body, context) {
      if (status !== okStatus) return;
      if (okBody(body)) acknowledged.push(context.tag);
      else badBodies++;
    },
  };
  const instance = autocannon({
    url,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
    requests: [request],
  });
  // Latency of every response, and separately of those after each connection's first one: the
  // first request of a connection also waits for the busy server to accept the connection.
  const seen = new WeakSet();
  const steady = [];
  instance.on("response", (client, _status, _bytes, responseTime) => {
    if (seen.has(client)) steady.push(responseTime);
    else seen.add(client);
  });
  const result = await instance;
  const cpuMsPerRequest = pid && result.requests.total ? (cpuMs(pid) - cpu0) / result.requests.total : null;
  steady.sort((a, b) => a - b);
  const status = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) status[code] = count;
  return {
    rps: result.requests.average,
    total: result.requests.total,
    duration: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    steadyP99: steady.length ? steady[Math.min(steady.length - 1, Math.floor(steady.length * 0.99))] : null,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    status,
    issued,
    acknowledged,
    badBodies,
    cpuMsPerRequest,
  };
}
