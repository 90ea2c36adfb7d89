import type { SlaClock } from "@aftercare/scoring";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDuration } from "../duration";

/** A clock as a badge ("Running") plus the time left, over, or taken. */
export function SlaClockView({ clock, compact = false }: { clock: SlaClock; compact?: boolean }) {
  const { t, locale } = useI18n();
  const detail =
    clock.state === "running"
      ? t("visits.sla.left", { time: formatDuration(clock.remainingMs ?? 0, locale) })
      : clock.state === "breached"
        ? t("visits.sla.over", { time: formatDuration(clock.overdueMs ?? 0, locale) })
        : clock.state === "met"
          ? t("visits.sla.took", { time: formatDuration(clock.elapsedMs ?? 0, locale) })
          : "";
  const tone = clock.state === "breached" ? "bad" : clock.state === "running" && clock.warning ? "warn" : clock.state === "met" ? "good" : "idle";
  return (
    <span className="sla-clock" data-clock={clock.clock} data-state={clock.state}>
      {compact ? null : <span className="sla-clock-name">{t(`visits.clock.${clock.clock}`)} </span>}
      <span className={`badge sla-${tone}`}>{t(`visits.sla.${clock.state}`)}</span>
      {detail ? <span className="small muted"> {detail}</span> : null}
      {clock.paused ? <span className="badge sla-idle"> {t("visits.sla.paused")}</span> : null}
    </span>
  );
}
