/**
 * Which language the learner CLI speaks: English (the source) or Simplified
 * Chinese. WORKBOOK_LANG decides when set; otherwise the system locale, read
 * the way POSIX orders it (LC_ALL, then LC_MESSAGES, then LANG); otherwise English.
 */
export const LANGUAGES = ["en", "zh-CN"] as const;
export type Lang = (typeof LANGUAGES)[number];

export interface LangChoice {
  lang: Lang;
  /** One line for the learner when their choice could not be honoured. */
  notice?: string;
}

/**
 * A locale name (zh_CN.UTF-8, zh-Hans-SG, zh, en_US) to the edition it gets.
 * Only Simplified Chinese maps to zh-CN: the edition is written in Simplified
 * characters, and a reader of Traditional (zh_TW, zh_HK, zh_MO, zh_Hant) is
 * better served by the English source than by a script they did not ask for.
 */
export function langOfLocale(locale: string): Lang | undefined {
  const [language, ...rest] = locale.split(/[.@]/)[0]!.toLowerCase().split(/[-_]/);
  if (language !== "zh") return undefined;
  if (rest.includes("hant") || rest.some((part) => ["tw", "hk", "mo"].includes(part))) return "en";
  return "zh-CN"; // bare zh, zh_CN, zh_SG, zh_Hans*
}

export function chooseLang(env: NodeJS.ProcessEnv = process.env): LangChoice {
  const asked = env.WORKBOOK_LANG?.trim();
  if (asked) {
    const known = LANGUAGES.find((lang) => lang.toLowerCase() === asked.toLowerCase());
    if (known) return { lang: known };
    // Printable and short: the value came from outside and goes to the terminal.
    const shown = JSON.stringify(asked.slice(0, 40)).replace(/[^\x20-\x7e]/g, "?");
    return { lang: "en", notice: `WORKBOOK_LANG=${shown} is not a language the workbook has; accepted values: ${LANGUAGES.join(", ")}. Using English.` };
  }
  // The first locale variable that is set decides, as in POSIX (LC_ALL overrides LC_MESSAGES overrides LANG).
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG"] as const) {
    const value = env[name]?.trim();
    if (value) return { lang: langOfLocale(value) ?? "en" };
  }
  return { lang: "en" };
}

let chosen: Lang | undefined;
/** This process's language; an unusable WORKBOOK_LANG is reported once, on stderr. */
export function currentLang(): Lang {
  if (chosen) return chosen;
  const choice = chooseLang();
  if (choice.notice) console.error(choice.notice);
  return (chosen = choice.lang);
}
