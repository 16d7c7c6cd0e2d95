/**
 * A line break inside a Chinese paragraph must not become a space on the page:
 * Chromium draws the "\n" between two Han characters as one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderInline } from "../generator/markdown.ts";

describe("line breaks in Chinese text", () => {
  it("are dropped between two CJK characters, punctuation included", () => {
    assert.equal(renderInline("第一行\n第二行，\n（三）"), "第一行第二行，（三）", "🚨 a soft line break between Han characters still renders as a break (space)");
  });
  it("stay between Latin words, and between Chinese and code", () => {
    assert.equal(renderInline("English\nwords 中文\n`code`"), "English\nwords 中文\n<code>code</code>", "🚨 a soft line break next to Latin text or code was dropped");
  });
});
