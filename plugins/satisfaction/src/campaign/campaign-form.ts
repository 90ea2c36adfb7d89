import type { SurveyJson } from "@aftercare/forms/types";
import type { NewCampaign } from "./campaigns.server";

export interface CampaignFormOptions {
  readonly templates: readonly { id: number; name: string; version: number }[];
  readonly regions: readonly string[];
  readonly owners: readonly { id: number; name: string }[];
}

type T = (key: string, vars?: Record<string, string | number>) => string;

/** The campaign editor as a SurveyJS model; the server validates the answers against it. */
export function campaignSurveyJson(o: CampaignFormOptions, t: T): SurveyJson {
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText: t("common.save"),
    elements: [
      { type: "text", name: "name", title: t("satisfaction.campaign.name"), isRequired: true, maxLength: 200 },
      { type: "text", name: "period", title: t("satisfaction.campaign.period"), description: t("satisfaction.campaign.periodHint"), isRequired: true, maxLength: 50 },
      {
        type: "dropdown",
        name: "templateId",
        title: t("satisfaction.campaign.template"),
        isRequired: true,
        choices: o.templates.map((x) => ({ value: x.id, text: `${x.name} (v${x.version})` })),
      },
      {
        type: "checkbox",
        name: "tiers",
        title: t("satisfaction.campaign.tiers"),
        description: t("satisfaction.campaign.tiersHint"),
        colCount: 3,
        choices: ["high", "mid", "standard"].map((v) => ({ value: v, text: t(`tier.${v}`) })),
      },
      { type: "checkbox", name: "regions", title: t("satisfaction.campaign.regions"), description: t("satisfaction.campaign.regionsHint"), colCount: 4, choices: o.regions.map((r) => ({ value: r, text: r })) },
      { type: "dropdown", name: "ownerId", title: t("satisfaction.campaign.owner"), placeholder: t("satisfaction.campaign.anyOwner"), choices: o.owners.map((u) => ({ value: u.id, text: u.name })) },
      { type: "text", inputType: "date", name: "opensAt", title: t("satisfaction.campaign.opensAt"), isRequired: true },
      { type: "text", inputType: "date", name: "closesAt", title: t("satisfaction.campaign.closesAt"), isRequired: true },
      { type: "text", inputType: "number", name: "reminderAfterDays", title: t("satisfaction.campaign.reminderAfterDays"), isRequired: true, min: 1, max: 60 },
      { type: "text", inputType: "number", name: "reminderMax", title: t("satisfaction.campaign.reminderMax"), isRequired: true, min: 0, max: 5 },
    ],
  } as unknown as SurveyJson;
}

/** Turns validated form answers into a campaign, or field errors (message keys). */
export function parseCampaignForm(data: Readonly<Record<string, unknown>>, today: string): { ok: true; campaign: NewCampaign } | { ok: false; errors: { name: string; key: string }[] } {
  const opensAt = String(data.opensAt);
  const closesAt = String(data.closesAt);
  const errors: { name: string; key: string }[] = [];
  if (closesAt <= opensAt) errors.push({ name: "closesAt", key: "satisfaction.campaign.closeBeforeOpen" });
  else if (closesAt <= today) errors.push({ name: "closesAt", key: "satisfaction.campaign.closeInPast" });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    campaign: {
      name: String(data.name),
      period: String(data.period),
      templateId: Number(data.templateId),
      audience: {
        tiers: Array.isArray(data.tiers) ? data.tiers.map(String) : [],
        regions: Array.isArray(data.regions) ? data.regions.map(String) : [],
        ownerId: typeof data.ownerId === "number" ? data.ownerId : null,
      },
      // Dates are whole days in the company's time zone (UTC+8): open at 00:00, close at 24:00.
      opensAt: new Date(`${opensAt}T00:00:00+08:00`).toISOString(),
      closesAt: new Date(`${closesAt}T24:00:00+08:00`).toISOString(),
      reminderAfterDays: Number(data.reminderAfterDays),
      reminderMax: Number(data.reminderMax),
    },
  };
}

/** A stored ISO timestamp as the form's local date (UTC+8). */
export function toFormDate(iso: string, endOfDay = false): string {
  const shifted = new Date(new Date(iso).getTime() + 8 * 3_600_000 - (endOfDay ? 1 : 0));
  return shifted.toISOString().slice(0, 10);
}
