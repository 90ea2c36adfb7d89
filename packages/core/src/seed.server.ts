import type { Kysely } from "kysely";
import type { AftercarePlugin, PluginContext } from "@aftercare/plugin-api";
import type { CoreTables } from "./tables";
import { hashPassword } from "./passwords.server";

export interface DemoLogin {
  readonly role: string;
  readonly email: string;
  readonly password: string;
}

export const DEMO_PASSWORD = "aftercare-demo";

const STAFF = [
  { email: "admin@aftercare.local", name: "系统管理员 Admin", role: "admin", kind: null, sup: null, locale: "en" },
  { email: "manager@aftercare.local", name: "王经理 Wang Li", role: "manager", kind: null, sup: null, locale: "zh-CN" },
  { email: "support.lead@aftercare.local", name: "陈主管 Chen Jing", role: "manager", kind: "support", sup: "manager@aftercare.local", locale: "zh-CN" },
  { email: "field.lead@aftercare.local", name: "刘主管 Liu Yang", role: "manager", kind: "field", sup: "manager@aftercare.local", locale: "zh-CN" },
  { email: "zhang.wei@aftercare.local", name: "张伟 Zhang Wei", role: "staff", kind: "field", sup: "field.lead@aftercare.local", locale: "zh-CN" },
  { email: "li.na@aftercare.local", name: "李娜 Li Na", role: "staff", kind: "field", sup: "field.lead@aftercare.local", locale: "zh-CN" },
  { email: "zhao.lei@aftercare.local", name: "赵磊 Zhao Lei", role: "staff", kind: "field", sup: "field.lead@aftercare.local", locale: "zh-CN" },
  { email: "sun.min@aftercare.local", name: "孙敏 Sun Min", role: "staff", kind: "field", sup: "field.lead@aftercare.local", locale: "en" },
  { email: "zhou.jie@aftercare.local", name: "周杰 Zhou Jie", role: "staff", kind: "support", sup: "support.lead@aftercare.local", locale: "zh-CN" },
  { email: "wu.fang@aftercare.local", name: "吴芳 Wu Fang", role: "staff", kind: "support", sup: "support.lead@aftercare.local", locale: "zh-CN" },
  { email: "zheng.hao@aftercare.local", name: "郑浩 Zheng Hao", role: "staff", kind: "support", sup: "support.lead@aftercare.local", locale: "zh-CN" },
] as const;

const CITIES = ["上海", "苏州", "杭州", "宁波", "南京", "广州", "深圳", "东莞", "佛山", "北京", "天津", "青岛", "济南", "成都", "重庆", "武汉", "长沙", "郑州", "西安", "合肥"];
const REGIONS: Record<string, string> = {
  上海: "华东", 苏州: "华东", 杭州: "华东", 宁波: "华东", 南京: "华东", 合肥: "华东",
  广州: "华南", 深圳: "华南", 东莞: "华南", 佛山: "华南",
  北京: "华北", 天津: "华北", 青岛: "华北", 济南: "华北",
  成都: "西南", 重庆: "西南", 武汉: "华中", 长沙: "华中", 郑州: "华中", 西安: "西北",
};
const TRADES = ["精密机械", "饲料", "新材料", "化工", "食品", "包装", "电子", "汽车零部件"];
const MODELS = ["AC-200 混合机", "AC-350 制粒机", "AC-500 包装线", "AC-120 粉碎机", "AC-800 自动配料系统"];
const CONTACTS = ["钱先生", "孙女士", "李工", "周经理", "吴主任", "郑总", "王工", "冯女士", "陈先生", "褚经理"];

/**
 * Seeds demo data when the database has no users: staff of both kinds with supervisors,
 * 30 customers with equipment. Then runs each plugin's seed once (remembered in `settings`).
 * Returns the demo logins to print.
 */
export async function seedDemo(db: Kysely<CoreTables>, plugins: readonly AftercarePlugin[], ctx: PluginContext): Promise<DemoLogin[]> {
  const now = ctx.clock().toISOString();
  const existing = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (!existing) {
    const hash = await hashPassword(DEMO_PASSWORD);
    await db.transaction().execute(async (trx) => {
      const ids = new Map<string, number>();
      for (const s of STAFF) {
        const row = await trx
          .insertInto("users")
          .values({
            email: s.email,
            name: s.name,
            role: s.role,
            staff_kind: s.kind,
            supervisor_id: s.sup ? ids.get(s.sup)! : null,
            phone: null,
            locale: s.locale,
            password_hash: hash,
            active: 1,
            created_at: now,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        ids.set(s.email, row.id);
      }
      const owners = STAFF.filter((s) => s.kind === "field").map((s) => ids.get(s.email)!);
      for (let i = 0; i < 30; i++) {
        const city = CITIES[i % CITIES.length];
        const trade = TRADES[i % TRADES.length];
        const english = i % 7 === 3;
        const n = String(i + 1).padStart(2, "0");
        const customer = await trx
          .insertInto("customers")
          .values({
            company: english ? `${["Pacific", "Orient", "Harbor", "Summit", "Delta"][i % 5]} ${trade === "饲料" ? "Feed" : "Industries"} Co. ${n}` : `${city}${trade}有限公司${n}`,
            contact_name: CONTACTS[i % CONTACTS.length],
            email: i === 17 ? null : `customer${n}@example.com`,
            phone: `1380000${String(1000 + i)}`,
            region: REGIONS[city],
            tier: i % 3 === 0 ? "high" : i % 3 === 1 ? "mid" : "standard",
            owner_id: owners[i % owners.length],
            locale: english ? "en" : "zh-CN",
            email_opt_out: 0,
            opted_out_at: null,
            active: 1,
            created_at: now,
            updated_at: now,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        for (let k = 0; k < 1 + (i % 3); k++) {
          await trx
            .insertInto("equipment")
            .values({
              customer_id: customer.id,
              model: MODELS[(i + k) % MODELS.length],
              serial_number: `SN-2024-${n}${String(k + 1).padStart(2, "0")}`,
              install_date: `202${3 + (k % 3)}-${String(1 + ((i + k) % 12)).padStart(2, "0")}-15`,
              active: 1,
              created_at: now,
              updated_at: now,
            })
            .execute();
        }
      }
    });
  }
  for (const plugin of plugins) {
    if (!plugin.seed) continue;
    const key = `demo-seed:${plugin.id}`;
    const done = await db.selectFrom("settings").select("key").where("key", "=", key).executeTakeFirst();
    if (done) continue;
    await plugin.seed(ctx);
    await db.insertInto("settings").values({ key, value_json: JSON.stringify({ at: now }), updated_at: now, updated_by: null }).execute();
  }
  const demo = await db.selectFrom("users").select(["email", "role"]).where("email", "in", ["admin@aftercare.local", "manager@aftercare.local", "zhang.wei@aftercare.local"]).execute();
  return demo.map((u) => ({ role: u.role, email: u.email, password: DEMO_PASSWORD }));
}
