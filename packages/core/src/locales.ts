import type { Locale, Messages } from "@aftercare/plugin-api";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";

export const coreMessages: Readonly<Record<Locale, Messages>> = { en, "zh-CN": zhCN };
