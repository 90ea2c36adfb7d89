import type { PluginContext } from "@aftercare/plugin-api";
import { sendDueReminders } from "./raters/reminders.server";
import { seedReview360 } from "./seed.server";

/** Registers the reminder job (hourly; each reminder is sent once thanks to its idempotency key). */
export function initReview360(ctx: PluginContext): void {
  ctx.scheduler.every("review360.reminders", 60 * 60_000, async () => {
    await sendDueReminders(ctx);
  });
}

export { seedReview360 };
