import type { EntityDef, EntityName } from "./types";

const LOCALE_CHOICES = [
  { value: "zh-CN", labelKey: "lang.zh-CN" },
  { value: "en", labelKey: "lang.en" },
];

export const usersEntity: EntityDef = {
  name: "users",
  titleKey: "entity.users",
  oneKey: "entity.users.one",
  readPermission: "core.users.manage",
  managePermission: "core.users.manage",
  searchColumns: ["name", "email", "phone"],
  importKey: "email",
  displayColumn: "name",
  fields: [
    { name: "name", labelKey: "field.name", type: "text", required: true, maxLength: 100, list: true },
    { name: "email", labelKey: "field.email", type: "email", required: true, maxLength: 200, unique: true, list: true },
    {
      name: "role",
      labelKey: "field.role",
      type: "choice",
      required: true,
      list: true,
      choices: [
        { value: "admin", labelKey: "role.admin" },
        { value: "manager", labelKey: "role.manager" },
        { value: "staff", labelKey: "role.staff" },
      ],
    },
    {
      name: "staff_kind",
      labelKey: "field.staffKind",
      type: "choice",
      list: true,
      choices: [
        { value: "support", labelKey: "staffKind.support" },
        { value: "field", labelKey: "staffKind.field" },
      ],
    },
    { name: "supervisor_id", labelKey: "field.supervisor", type: "ref", ref: { entity: "users", csvColumn: "email" }, list: true },
    { name: "phone", labelKey: "field.phone", type: "text", maxLength: 40 },
    { name: "locale", labelKey: "field.locale", type: "choice", choices: LOCALE_CHOICES },
    { name: "password", labelKey: "field.password", type: "password", csv: false, hintKey: "field.passwordHint" },
  ],
};

export const customersEntity: EntityDef = {
  name: "customers",
  titleKey: "entity.customers",
  oneKey: "entity.customers.one",
  readPermission: "core.customers.read",
  managePermission: "core.customers.manage",
  searchColumns: ["company", "contact_name", "email", "region"],
  importKey: "company",
  displayColumn: "company",
  fields: [
    { name: "company", labelKey: "field.company", type: "text", required: true, maxLength: 200, unique: true, list: true },
    { name: "contact_name", labelKey: "field.contactName", type: "text", maxLength: 100, list: true },
    { name: "email", labelKey: "field.email", type: "email", maxLength: 200, list: true },
    { name: "phone", labelKey: "field.phone", type: "text", maxLength: 40 },
    { name: "region", labelKey: "field.region", type: "text", maxLength: 100, list: true },
    {
      name: "tier",
      labelKey: "field.tier",
      type: "choice",
      required: true,
      list: true,
      choices: [
        { value: "high", labelKey: "tier.high" },
        { value: "mid", labelKey: "tier.mid" },
        { value: "standard", labelKey: "tier.standard" },
      ],
    },
    { name: "owner_id", labelKey: "field.owner", type: "ref", ref: { entity: "users", csvColumn: "email" }, list: true },
    { name: "locale", labelKey: "field.locale", type: "choice", required: true, choices: LOCALE_CHOICES },
  ],
};

export const equipmentEntity: EntityDef = {
  name: "equipment",
  titleKey: "entity.equipment",
  oneKey: "entity.equipment.one",
  readPermission: "core.customers.read",
  managePermission: "core.equipment.manage",
  searchColumns: ["model", "serial_number"],
  importKey: "serial_number",
  displayColumn: "serial_number",
  fields: [
    { name: "model", labelKey: "field.model", type: "text", required: true, maxLength: 100, list: true },
    { name: "serial_number", labelKey: "field.serialNumber", type: "text", required: true, maxLength: 100, unique: true, list: true },
    { name: "customer_id", labelKey: "field.customer", type: "ref", required: true, ref: { entity: "customers", csvColumn: "company" }, list: true },
    { name: "install_date", labelKey: "field.installDate", type: "date", list: true },
  ],
};

export const ENTITIES: Readonly<Record<EntityName, EntityDef>> = {
  users: usersEntity,
  customers: customersEntity,
  equipment: equipmentEntity,
};

/** The entity for a URL segment, or undefined. */
export function entityByName(name: string | undefined): EntityDef | undefined {
  return name && Object.prototype.hasOwnProperty.call(ENTITIES, name) ? ENTITIES[name as EntityName] : undefined;
}
