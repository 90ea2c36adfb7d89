import type { Locale } from "@aftercare/plugin-api";
import { renderEmail, safeHeader } from "@aftercare/mail/layout";
import { formatDateTime } from "@aftercare/i18n";

export interface InvitationMailProps {
  readonly locale: Locale;
  readonly kind: "invite" | "reminder";
  readonly company: string;
  readonly contactName: string | null;
  readonly ownerName: string | null;
  readonly surveyUrl: string;
  readonly optOutUrl: string;
  readonly closesAt: string;
  readonly campaignName: string;
}

const TEXT = {
  en: {
    subjectInvite: "{{company}}: how satisfied are you with our products and service?",
    subjectReminder: "Reminder — {{company}}: your opinion on our products and service",
    greeting: "Dear {{name}},",
    greetingNoName: "Dear customer,",
    invite: "Thank you for working with us. In our customer satisfaction survey ({{campaign}}) we would like to know how satisfied {{company}} is with our product quality, price, delivery time, packaging and after-sales service.",
    reminder: "A few days ago we invited {{company}} to our customer satisfaction survey ({{campaign}}). If you have not found the time yet, it takes about two minutes — every answer helps us improve.",
    deadline: "The survey is open until {{date}}. Your answers go to our service quality team.",
    button: "Start the survey",
    owner: "Your service contact: {{owner}}",
    optOut: "Do not want these surveys? Unsubscribe: {{url}}",
  },
  "zh-CN": {
    subjectInvite: "{{company}}：诚邀您评价我们的产品与服务",
    subjectReminder: "提醒：{{company}}，期待您对产品与服务的评价",
    greeting: "尊敬的{{name}}：",
    greetingNoName: "尊敬的客户：",
    invite: "感谢贵公司一直以来的支持与信任。为持续改进产品质量和服务水平，我们正在开展顾客满意度调查（{{campaign}}），诚邀{{company}}就产品质量、价格、交货期、包装和售后服务作出评价。",
    reminder: "前几天我们邀请{{company}}参加顾客满意度调查（{{campaign}}）。如您尚未填写，只需约两分钟，您的每一条意见都将帮助我们改进。",
    deadline: "调查截止日期：{{date}}。您的意见将直接反馈给我们的服务质量部门。",
    button: "开始填写",
    owner: "您的服务联系人：{{owner}}",
    optOut: "不希望再收到此类调查？退订：{{url}}",
  },
} as const;

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? "");
}

/** The invitation or reminder email of a campaign, in the customer's language. */
export function invitationMail(props: InvitationMailProps): { subject: string; html: string; text: string } {
  const t = TEXT[props.locale];
  const vars = {
    company: props.company,
    name: props.contactName ?? "",
    campaign: props.campaignName,
    owner: props.ownerName ?? "",
    date: formatDateTime(props.closesAt, props.locale),
    url: props.optOutUrl,
  };
  const { html, text } = renderEmail({
    locale: props.locale,
    heading: props.locale === "zh-CN" ? "顾客满意度调查" : "Customer satisfaction survey",
    paragraphs: [
      props.contactName ? fill(t.greeting, vars) : t.greetingNoName,
      fill(props.kind === "invite" ? t.invite : t.reminder, vars),
      fill(t.deadline, vars),
    ],
    button: { label: t.button, url: props.surveyUrl },
    footer: [...(props.ownerName ? [fill(t.owner, vars)] : []), fill(t.optOut, vars)],
  });
  return { subject: safeHeader(fill(props.kind === "invite" ? t.subjectInvite : t.subjectReminder, vars)), html, text };
}
