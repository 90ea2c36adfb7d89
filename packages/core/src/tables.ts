import type { Generated } from "kysely";

/** Core tables as Kysely sees them. Timestamps are ISO-8601 UTC text; flags are 0/1. */
export interface CoreTables {
  users: {
    id: Generated<number>;
    email: string;
    name: string;
    role: "admin" | "manager" | "staff";
    staff_kind: "support" | "field" | null;
    supervisor_id: number | null;
    phone: string | null;
    locale: string | null;
    password_hash: string | null;
    active: number;
    created_at: string;
    updated_at: string;
  };
  sessions: { id: string; user_id: number; created_at: string; last_seen_at: string; expires_at: string };
  job_schedule: { name: string; next_run_at: string; last_started_at: string | null };
  login_attempts: { key: string; failures: number; first_failure_at: string; locked_until: string | null };
  audit_log: { id: Generated<number>; at: string; actor_id: number | null; action: string; target: string; detail_json: string | null };
  customers: {
    id: Generated<number>;
    company: string;
    contact_name: string | null;
    email: string | null;
    phone: string | null;
    region: string | null;
    tier: string;
    owner_id: number | null;
    locale: string;
    email_opt_out: number;
    opted_out_at: string | null;
    active: number;
    created_at: string;
    updated_at: string;
  };
  equipment: {
    id: Generated<number>;
    customer_id: number;
    model: string;
    serial_number: string;
    install_date: string | null;
    active: number;
    created_at: string;
    updated_at: string;
  };
  invitations: {
    id: string;
    secret_hash: string;
    purpose: string;
    subject_ref: string;
    recipient_email: string | null;
    recipient_name: string | null;
    customer_id: number | null;
    locale: string;
    state: "sent" | "opened" | "started" | "completed";
    expires_at: string;
    created_at: string;
    opened_at: string | null;
    started_at: string | null;
    completed_at: string | null;
  };
  import_batches: { id: Generated<number>; entity: string; created_by: number; created_at: string; file_name: string | null; csv_text: string };
  settings: { key: string; value_json: string; updated_at: string; updated_by: number | null };
}
