import type { Kysely } from "kysely";
import type { Host } from "@aftercare/core/host.server";
import type { Translate } from "@aftercare/i18n";
import type { VisitsTables } from "../tables";
import { readChecklists } from "../policy.server";
import { visitSurveyJson } from "./visit-form";

type Db = Kysely<VisitsTables>;

/** Active staff who can visit, follow up or be dispatched (everyone but admins). */
export async function activeStaff(db: Kysely<any>): Promise<{ id: number; name: string }[]> {
  return (db as Db).selectFrom("users").select(["id", "name"]).where("active", "=", 1).where("role", "!=", "admin").orderBy("name").execute();
}

/** The customer's active equipment. */
export async function customerEquipment(db: Kysely<any>, customerId: number) {
  return (db as Db).selectFrom("equipment").select(["id", "model", "serial_number"]).where("customer_id", "=", customerId).where("active", "=", 1).orderBy("id").execute();
}

/** Active customers for pickers. */
export async function activeCustomers(db: Kysely<any>) {
  return (db as Db).selectFrom("customers").select(["id", "company"]).where("active", "=", 1).orderBy("company").execute();
}

/** The visit form for a customer, with the current checklists, and the checklists themselves (for parsing). */
export async function visitFormFor(host: Host, customerId: number, t: Translate) {
  const checklists = await readChecklists(host.db);
  const json = visitSurveyJson({ checklists, people: await activeStaff(host.db), equipment: await customerEquipment(host.db, customerId) }, t);
  return { json, checklists };
}
