import { sql } from "kysely";
import { getHost } from "@aftercare/core/host.server";

/** Liveness and database check for load balancers. */
export async function loader() {
  const host = await getHost();
  await sql`select 1`.execute(host.db);
  return new Response("ok", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
}
