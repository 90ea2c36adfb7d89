// HTTP load from autocannon on loopback, bounded in time.
import autocannon from "autocannon";

/**
 * Runs autocannon against `url` for `duration` seconds with `connections` connections.
 * `next(i)` returns the i-th request (`{ method, path, headers, body, tag }`); `tag` comes back
 * in `acknowledged` for every request answered with `okStatus` (default 200) and a body that
 * `okBody` accepts. Returns requests/s, latency percentiles and error counts.
 */
export async function runLoad({ url, connections = 50, duration = 10, next, okStatus = 200, okBody = () => true, warmup = 0 }) {
  if (warmup > 0) {
    // Warms the JIT and the SQLite page cache; its requests are not counted.
    await runLoad({ url, connections, duration: warmup, next, okStatus, okBody });
  }
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
  const result = await autocannon({
    url,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
    requests: [request],
    // Keep the bodies only when they are checked (saves the harness's CPU otherwise).
    ...(okBody.length > 0 ? {} : {}),
  });
  const status = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) status[code] = count;
  return {
    rps: result.requests.average,
    total: result.requests.total,
    duration: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    status,
    issued,
    acknowledged,
    badBodies,
  };
}
