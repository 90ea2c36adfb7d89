import type { Locale } from "@aftercare/plugin-api";
import { renderEmail, safeHeader } from "@aftercare/mail/layout";
import { formatDateTime } from "@aftercare/i18n";

type Mail = { subject: string; html: string; text: string };

function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ""));
}

function dueText(dueDate: string, locale: Locale): string {
  return formatDateTime(`${dueDate}T00:00:00.000Z`, locale);
}

const STAFF_TODO = {
  en: {
    subject: "360 review {{cycle}}: {{n}} review(s) to fill in",
    heading: "360-degree review",
    greeting: "Hello {{name}},",
    body: "The 360 review cycle {{cycle}} has started. You have {{n}} review(s) to fill in by {{due}}. Your ratings of others are stored without your name.",
    nominate: "You are also reviewed in this cycle: please nominate the colleagues (peers) you would like to review you; your supervisor approves the list.",
    button: "Open my reviews",
  },
  "zh-CN": {
    subject: "360 度评估 {{cycle}}：您有 {{n}} 份评估待填写",
    heading: "360 度绩效评估",
    greeting: "{{name}}，您好：",
    body: "360 度评估 {{cycle}} 已开始。请在 {{due}} 前完成 {{n}} 份评估。您对他人的评价不记录姓名。",
    nominate: "本轮您也是被评估人：请提名希望参与评价您的同事，由您的上级审批名单。",
    button: "打开我的评估",
  },
} as const;

/** The mail a staff member gets when a cycle opens. */
export function staffTodoMail(p: { locale: Locale; name: string; cycleName: string; reviews: number; nominate: boolean; dueDate: string; url: string }): Mail {
  const t = STAFF_TODO[p.locale];
  const vars = { name: p.name, cycle: p.cycleName, n: p.reviews, due: dueText(p.dueDate, p.locale) };
  const { html, text } = renderEmail({
    locale: p.locale,
    heading: t.heading,
    paragraphs: [fill(t.greeting, vars), fill(t.body, vars), ...(p.nominate ? [t.nominate] : [])],
    button: { label: t.button, url: p.url },
  });
  return { subject: safeHeader(fill(t.subject, vars)), html, text };
}

const CUSTOMER = {
  en: {
    subjectInvite: "How did {{staff}} serve you? A short review for {{company}}",
    subjectReminder: "Reminder: how did {{staff}} serve you?",
    heading: "Your opinion of our service staff",
    greeting: "Dear {{contact}},",
    greetingNoName: "Dear customer,",
    invite: "{{staff}} from our after-sales service team has been working with {{company}}. As part of our 360-degree review, we would value your opinion on their communication, relationship with you and professional ability. It takes about three minutes.",
    reminder: "A few days ago we asked for your opinion of {{staff}} from our after-sales service team. If you have not found the time yet, it takes about three minutes.",
    anonymous: "Your answers are anonymous: they are combined with other customers' answers and never shown with your name. Please reply by {{due}}.",
    button: "Give my opinion",
  },
  "zh-CN": {
    subjectInvite: "{{company}}：请评价{{staff}}的服务",
    subjectReminder: "提醒：请评价{{staff}}的服务",
    heading: "请评价我们的售后服务人员",
    greeting: "尊敬的{{contact}}：",
    greetingNoName: "尊敬的客户：",
    invite: "我司售后服务人员{{staff}}一直为{{company}}提供服务。作为 360 度评估的一部分，诚邀您就其沟通技巧、人际关系和业务能力作出评价，约需三分钟。",
    reminder: "前几天我们邀请您评价我司售后服务人员{{staff}}。如您尚未填写，只需约三分钟。",
    anonymous: "您的评价是匿名的：将与其他客户的评价合并统计，不会显示您的姓名。请于 {{due}} 前填写。",
    button: "开始评价",
  },
} as const;

/** The personal-link mail to a customer rater (invitation or reminder), in the customer's language. */
export function customerMail(p: { locale: Locale; kind: "invite" | "reminder"; staffName: string; company: string; contactName: string | null; dueDate: string; url: string }): Mail {
  const t = CUSTOMER[p.locale];
  const vars = { staff: p.staffName, company: p.company, contact: p.contactName ?? "", due: dueText(p.dueDate, p.locale) };
  const { html, text } = renderEmail({
    locale: p.locale,
    heading: t.heading,
    paragraphs: [p.contactName ? fill(t.greeting, vars) : t.greetingNoName, fill(p.kind === "invite" ? t.invite : t.reminder, vars), fill(t.anonymous, vars)],
    button: { label: t.button, url: p.url },
  });
  return { subject: safeHeader(fill(p.kind === "invite" ? t.subjectInvite : t.subjectReminder, vars)), html, text };
}

const STAFF_REMINDER = {
  en: {
    subject: "Reminder: your 360 review of {{reviewee}} ({{cycle}})",
    subjectSelf: "Reminder: your self-assessment ({{cycle}})",
    body: "You have not yet submitted your review of {{reviewee}} in the 360 review {{cycle}}. Please fill it in by {{due}}; a saved draft is kept.",
    bodySelf: "You have not yet submitted your self-assessment in the 360 review {{cycle}}. Please fill it in by {{due}}; a saved draft is kept.",
    button: "Fill in the review",
  },
  "zh-CN": {
    subject: "提醒：请完成对{{reviewee}}的 360 度评估（{{cycle}}）",
    subjectSelf: "提醒：请完成您的自评（{{cycle}}）",
    body: "您在 360 度评估 {{cycle}} 中对{{reviewee}}的评估尚未提交。请于 {{due}} 前完成；已填写的内容已自动保存。",
    bodySelf: "您在 360 度评估 {{cycle}} 中的自评尚未提交。请于 {{due}} 前完成；已填写的内容已自动保存。",
    button: "填写评估",
  },
} as const;

/** Reminder to a staff rater who has not submitted. */
export function staffReminderMail(p: { locale: Locale; self: boolean; revieweeName: string; cycleName: string; dueDate: string; url: string }): Mail {
  const t = STAFF_REMINDER[p.locale];
  const vars = { reviewee: p.revieweeName, cycle: p.cycleName, due: dueText(p.dueDate, p.locale) };
  const { html, text } = renderEmail({
    locale: p.locale,
    heading: p.locale === "en" ? "360-degree review" : "360 度绩效评估",
    paragraphs: [fill(p.self ? t.bodySelf : t.body, vars)],
    button: { label: t.button, url: p.url },
  });
  return { subject: safeHeader(fill(p.self ? t.subjectSelf : t.subject, vars)), html, text };
}

const RELEASED = {
  en: { subject: "Your 360 review report is ready ({{cycle}})", body: "Your 360-degree review report for {{cycle}} has been released to you. It shows how you rated yourself next to how others rated you.", button: "Read my report" },
  "zh-CN": { subject: "您的 360 度评估报告已发布（{{cycle}}）", body: "您在 {{cycle}} 的 360 度评估报告已发布，报告将您的自评与他人评价对照显示。", button: "查看我的报告" },
} as const;

/** Tells a reviewee their report was released. */
export function releasedMail(p: { locale: Locale; cycleName: string; url: string }): Mail {
  const t = RELEASED[p.locale];
  const vars = { cycle: p.cycleName };
  const { html, text } = renderEmail({ locale: p.locale, heading: p.locale === "en" ? "360-degree review" : "360 度绩效评估", paragraphs: [fill(t.body, vars)], button: { label: t.button, url: p.url } });
  return { subject: safeHeader(fill(t.subject, vars)), html, text };
}

const NOMINATION_SUBMITTED = {
  en: {
    subject: "Please approve the peers {{reviewee}} nominated ({{cycle}})",
    greeting: "Hello {{name}},",
    body: "{{reviewee}} has nominated {{n}} colleague(s) to review them as peers in the 360 review {{cycle}}: {{peers}}.",
    ask: "Please approve the list, edit it, or return it with a note. The peers can fill in their reviews once you have approved.",
    button: "Decide on the nomination",
  },
  "zh-CN": {
    subject: "请审批{{reviewee}}的同事提名（{{cycle}}）",
    greeting: "{{name}}，您好：",
    body: "{{reviewee}}在 360 度评估 {{cycle}} 中提名了 {{n}} 位同事作为同事评价人：{{peers}}。",
    ask: "请批准、修改或附说明退回该名单。批准后，这些同事即可填写评估。",
    button: "审批提名",
  },
} as const;

/** Tells a supervisor that a reviewee sent a peer nomination for approval. */
export function nominationSubmittedMail(p: { locale: Locale; supervisorName: string; revieweeName: string; cycleName: string; peers: readonly string[]; url: string }): Mail {
  const t = NOMINATION_SUBMITTED[p.locale];
  const vars = { name: p.supervisorName, reviewee: p.revieweeName, cycle: p.cycleName, n: p.peers.length, peers: p.peers.join(p.locale === "en" ? ", " : "、") };
  const { html, text } = renderEmail({
    locale: p.locale,
    heading: p.locale === "en" ? "360-degree review" : "360 度绩效评估",
    paragraphs: [fill(t.greeting, vars), fill(t.body, vars), t.ask],
    button: { label: t.button, url: p.url },
  });
  return { subject: safeHeader(fill(t.subject, vars)), html, text };
}

const NOMINATION_DECIDED = {
  en: {
    approvedSubject: "Your peer nomination was approved ({{cycle}})",
    returnedSubject: "Your peer nomination was returned ({{cycle}})",
    greeting: "Hello {{name}},",
    approved: "Your list of peers for the 360 review {{cycle}} was approved: {{n}} colleague(s) will review you. Please also fill in your own self-assessment.",
    returned: "Your list of peers for the 360 review {{cycle}} was returned to you. Please nominate again by {{due}}.",
    note: "Note: {{note}}",
    approvedButton: "Open my reviews",
    returnedButton: "Nominate again",
  },
  "zh-CN": {
    approvedSubject: "您的同事提名已获批准（{{cycle}}）",
    returnedSubject: "您的同事提名被退回（{{cycle}}）",
    greeting: "{{name}}，您好：",
    approved: "您在 360 度评估 {{cycle}} 中提名的同事名单已获批准：将有 {{n}} 位同事评价您。也请完成您的自评。",
    returned: "您在 360 度评估 {{cycle}} 中提名的同事名单被退回。请于 {{due}} 前重新提名。",
    note: "说明：{{note}}",
    approvedButton: "打开我的评估",
    returnedButton: "重新提名",
  },
} as const;

/** Tells a reviewee that their peer nomination was approved or returned (with the note, if any). */
export function nominationDecidedMail(p: { locale: Locale; outcome: "approved" | "returned"; name: string; cycleName: string; peers: number; note: string | null; dueDate: string; url: string }): Mail {
  const t = NOMINATION_DECIDED[p.locale];
  const vars = { name: p.name, cycle: p.cycleName, n: p.peers, note: p.note ?? "", due: dueText(p.dueDate, p.locale) };
  const approved = p.outcome === "approved";
  const { html, text } = renderEmail({
    locale: p.locale,
    heading: p.locale === "en" ? "360-degree review" : "360 度绩效评估",
    paragraphs: [fill(t.greeting, vars), fill(approved ? t.approved : t.returned, vars), ...(!approved && p.note ? [fill(t.note, vars)] : [])],
    button: { label: approved ? t.approvedButton : t.returnedButton, url: p.url },
  });
  return { subject: safeHeader(fill(approved ? t.approvedSubject : t.returnedSubject, vars)), html, text };
}
