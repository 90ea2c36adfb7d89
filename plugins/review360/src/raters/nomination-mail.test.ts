/**
 * The supervisor is mailed when a reviewee sends a peer nomination for approval; the reviewee
 * when it is approved or returned. Each mail once (outbox idempotency key per nomination round),
 * in the recipient's language, through a real outbox worker into a real SMTP server.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { decideNomination, nominatePeers } from "./assignments.server";
import { type Host360, openedCycle, review360MailSuite, revieweeOf, team } from "../test-support/fixtures";

const suite = review360MailSuite();

/** 张伟 (zh-CN) is reviewed; his supervisor 刘主管 reads English. */
async function setup() {
  const h = await suite.host();
  const t = await team(h.rdb);
  await h.rdb.updateTable("users").set({ locale: "en" }).where("id", "=", t.supervisor).execute();
  const cycleId = await openedCycle(h, t.manager, [t.reviewee]);
  const rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
  await suite.drain(h); // the "cycle open" mails
  const email = async (id: number) => (await h.rdb.selectFrom("users").select("email").where("id", "=", id).executeTakeFirstOrThrow()).email;
  return { h, t, cycleId, rid, supervisorEmail: await email(t.supervisor), revieweeEmail: await email(t.reviewee) };
}

async function nominationKeys(h: Host360): Promise<string[]> {
  const rows = await sql<{ k: string }>`select idempotency_key as k from mail_outbox where idempotency_key like 'review360:%:nomination:%' order by id`.execute(h.db);
  return rows.rows.map((r) => r.k);
}

describe("nomination mails", () => {
  it("tell the supervisor, in their language, when a nomination awaits approval — once", async () => {
    const { h, t, cycleId, rid, supervisorEmail } = await setup();
    const [a, b, c] = t.others; // 李娜, 赵磊, 孙敏
    expect(await nominatePeers(h.ctx, rid, [a, b, c])).toEqual({ ok: true, count: 3 });
    // Sent again while awaiting the decision: refused, nothing more queued.
    expect(await nominatePeers(h.ctx, rid, [a, b, c])).toEqual({ ok: false, problem: "not-allowed-now" });
    const mails = await suite.drain(h);
    expect(mails.map((m) => m.envelopeTo[0])).toEqual([supervisorEmail]);
    const mail = mails[0].parsed;
    expect(mail.subject).toBe("Please approve the peers 张伟 nominated (2026 下半年 360 度评估)");
    const body = String(mail.text);
    expect(body).toContain("Hello 刘主管,");
    expect(body).toContain("张伟 has nominated 3 colleague(s) to review them as peers in the 360 review 2026 下半年 360 度评估:");
    for (const name of ["李娜", "赵磊", "孙敏"]) expect(body).toContain(name);
    expect(body).toContain(`http://aftercare.test/review360/nominations/${rid}`);
    expect(await nominationKeys(h)).toEqual([`review360:${cycleId}:nomination:${rid}:1:submitted`]);
  });

  it("tell the reviewee when the list is returned (with the note) and when the new list is approved — each once", async () => {
    const { h, t, cycleId, rid, supervisorEmail, revieweeEmail } = await setup();
    const [a, b, c, d] = t.others;
    await nominatePeers(h.ctx, rid, [a, b, c]);
    await suite.drain(h);

    expect(await decideNomination(h.ctx, rid, { kind: "reject", note: "请提名与你合作最多的同事。" })).toEqual({ ok: true, count: 0 });
    // A second decision on the same submission is refused and mails nobody.
    expect(await decideNomination(h.ctx, rid, { kind: "reject", note: "again" })).toEqual({ ok: false, problem: "not-allowed-now" });
    const returned = await suite.drain(h);
    expect(returned.map((m) => m.envelopeTo[0])).toEqual([revieweeEmail]);
    expect(returned[0].parsed.subject).toBe("您的同事提名被退回（2026 下半年 360 度评估）");
    expect(String(returned[0].parsed.text)).toContain("说明：请提名与你合作最多的同事。");
    expect(String(returned[0].parsed.text)).toContain(`http://aftercare.test/review360/nominations/${rid}`);

    // Nominating again is a new round: the supervisor is asked again.
    expect(await nominatePeers(h.ctx, rid, [a, b, d])).toEqual({ ok: true, count: 3 });
    expect((await suite.drain(h)).map((m) => m.envelopeTo[0])).toEqual([supervisorEmail]);

    expect(await decideNomination(h.ctx, rid, { kind: "approve", peerIds: [a, b, c, d] })).toEqual({ ok: true, count: 4 });
    expect(await decideNomination(h.ctx, rid, { kind: "approve", peerIds: [a, b, c, d] })).toEqual({ ok: false, problem: "not-allowed-now" });
    const approved = await suite.drain(h);
    expect(approved.map((m) => m.envelopeTo[0])).toEqual([revieweeEmail]);
    expect(approved[0].parsed.subject).toBe("您的同事提名已获批准（2026 下半年 360 度评估）");
    expect(String(approved[0].parsed.text)).toContain("将有 4 位同事评价您");
    expect(String(approved[0].parsed.text)).toContain("http://aftercare.test/review360");

    expect(await nominationKeys(h)).toEqual([
      `review360:${cycleId}:nomination:${rid}:1:submitted`,
      `review360:${cycleId}:nomination:${rid}:1:returned`,
      `review360:${cycleId}:nomination:${rid}:2:submitted`,
      `review360:${cycleId}:nomination:${rid}:2:approved`,
    ]);
  });

  it("go out once when the same nomination is sent twice at the same moment", async () => {
    const { h, t, rid } = await setup();
    const peers = t.others.slice(0, 3);
    const results = await Promise.all([nominatePeers(h.ctx, rid, peers), nominatePeers(h.ctx, rid, peers)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, problem: "not-allowed-now" }]);
    expect(await suite.drain(h)).toHaveLength(1);
    const peerRows = await h.rdb.selectFrom("review360_assignment").select("rater_user_id").where("reviewee_id", "=", rid).where("rater_group", "=", "peers").execute();
    expect(peerRows).toHaveLength(3);
  });

  it("skip the supervisor mail when the reviewee has no supervisor; the reviewee still hears of the decision", async () => {
    const { h, t, rid, revieweeEmail } = await setup();
    await h.rdb.updateTable("review360_reviewee").set({ supervisor_id: null }).where("id", "=", rid).execute();
    expect(await nominatePeers(h.ctx, rid, t.others.slice(0, 3))).toEqual({ ok: true, count: 3 });
    expect(await suite.drain(h)).toEqual([]);
    // A manager decides instead.
    expect(await decideNomination(h.ctx, rid, { kind: "approve", peerIds: t.others.slice(0, 3) })).toEqual({ ok: true, count: 3 });
    expect((await suite.drain(h)).map((m) => m.envelopeTo[0])).toEqual([revieweeEmail]);
  });
});
