import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chooseLang, langOfLocale } from "./lang.ts";

describe("the CLI's language", () => {
  it("maps Simplified locales to zh-CN, Traditional and others to English", () => {
    for (const locale of ["zh_CN.UTF-8", "zh_SG", "zh_Hans", "zh-Hans-CN", "zh", "zh_CN@pinyin"]) assert.equal(langOfLocale(locale), "zh-CN", locale);
    for (const locale of ["zh_TW.UTF-8", "zh_HK", "zh_Hant", "zh-Hant-TW", "zh_MO"]) assert.equal(langOfLocale(locale), "en", locale);
    for (const locale of ["en_US.UTF-8", "C", "POSIX", "de_DE"]) assert.equal(langOfLocale(locale), undefined, locale);
  });

  it("takes WORKBOOK_LANG first, then LC_ALL, LC_MESSAGES, LANG in that order, else English", () => {
    assert.deepEqual(chooseLang({ WORKBOOK_LANG: "zh-CN", LANG: "en_US.UTF-8" }), { lang: "zh-CN" });
    assert.deepEqual(chooseLang({ WORKBOOK_LANG: "en", LANG: "zh_CN.UTF-8" }), { lang: "en" });
    assert.deepEqual(chooseLang({ LC_ALL: "en_US.UTF-8", LANG: "zh_CN.UTF-8" }), { lang: "en" });
    assert.deepEqual(chooseLang({ LC_MESSAGES: "zh_CN.UTF-8", LANG: "en_US.UTF-8" }), { lang: "zh-CN" });
    assert.deepEqual(chooseLang({ LANG: "zh_SG.UTF-8" }), { lang: "zh-CN" });
    assert.deepEqual(chooseLang({ LANG: "zh_TW.UTF-8" }), { lang: "en" });
    assert.deepEqual(chooseLang({}), { lang: "en" });
  });

  it("answers an unknown WORKBOOK_LANG with one line naming the accepted values, and English", () => {
    const choice = chooseLang({ WORKBOOK_LANG: "fr\x1b[31m", LANG: "zh_CN.UTF-8" });
    assert.equal(choice.lang, "en");
    assert.match(choice.notice ?? "", /accepted values: en, zh-CN/);
    assert.doesNotMatch(choice.notice ?? "", /\x1b/, "the value is made printable before it reaches the terminal");
    assert.equal(choice.notice?.split("\n").length, 1);
  });
});
