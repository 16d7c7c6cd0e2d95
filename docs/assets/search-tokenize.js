// How the search splits text into terms, shared by the build (Node, which
// indexes every page) and the browser (which splits the query): both must
// split alike or nothing matches. MiniSearch's default splits on spaces and
// punctuation only, so a Chinese sentence would be one long term and a search
// for 采样 would find nothing. Runs of Han characters become overlapping
// character pairs instead (采样率 → 采样, 样率): no dictionary, the same in every
// engine, and any word of two or more characters is found wherever it occurs.
// Measured against Intl.Segmenter('zh', {granularity: 'word'}) and MiniSearch's
// default, section by section, on the seed guide and the 24 Chinese texts of the
// edition (docs/test/search-cjk.test.ts prints the figures; 2026-12-01). Pairs:
// 采样 38 of 38 sections, 上下文传播 3/3, 技术讨论组 2/2, nothing wrong. Segmenter:
// 采样 38/38 but 上下文传播 3/3 plus 6 sections without it, and 下文 15 of 37 (it cuts
// by context and by the engine's ICU data, which Node and the reader's browser
// need not share). Default: 采样 18 of 38.
(function (global) {
  "use strict";
  var SPACE_OR_PUNCTUATION = /[\n\r\s\p{Z}\p{P}]+/u;
  var HAN_OR_NOT = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  function tokenize(text) {
    var terms = [];
    String(text).split(SPACE_OR_PUNCTUATION).forEach(function (word) {
      (word.match(HAN_OR_NOT) || []).forEach(function (part) {
        if (!HAN.test(part) || part.length === 1) { terms.push(part); return; }
        for (var i = 0; i + 1 < part.length; i++) terms.push(part.slice(i, i + 2));
      });
    });
    return terms;
  }
  global.WORKBOOK_TOKENIZE = tokenize;
})(typeof window !== "undefined" ? window : globalThis);
