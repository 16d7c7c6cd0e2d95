/** i18n:status and i18n:stamp in a throw-away git repository with one lesson and its translation. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stampFile } from "./stamp.ts";
import { formatStatus, translationStatus } from "./status.ts";
import { fileHash, formatStamp } from "./translation-stamp.ts";

describe("i18n:status and i18n:stamp", () => {
  let root: string;
  const git = (...args: string[]) => {
    const run = spawnSync("git", args, { cwd: root, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.trim();
  };
  const write = (path: string, text: string) => writeFileSync(join(root, path), text);
  const ENGLISH = "lessons/03-propagation.md";
  const CHINESE = "lessons/zh-CN/03-propagation.md";

  before(() => {
    root = mkdtempSync(join(tmpdir(), "i18n-status-"));
    mkdirSync(join(root, "lessons/zh-CN"), { recursive: true });
    git("init", "-q");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "test");
    write(ENGLISH, "# Propagation\n\nversion one\n");
    git("add", "-A");
    git("commit", "-qm", "v1");
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("reports up to date, then stale with the commit to diff against, then up to date again after a stamp", () => {
    const v1 = git("rev-parse", "HEAD");
    write(CHINESE, `${formatStamp(ENGLISH, fileHash(join(root, ENGLISH)))}\n\n# 传播\n\n第一版\n`);
    assert.deepEqual(translationStatus(root), { upToDate: [CHINESE], stale: [], unstamped: [] });
    assert.match(formatStatus(translationStatus(root)).join("\n"), /✓ all 1 Chinese translations are up to date/);

    write(ENGLISH, "# Propagation\n\nversion two\n");
    git("commit", "-qam", "v2");
    write(ENGLISH, "# Propagation\n\nversion three\n");
    git("commit", "-qam", "v3");
    const report = translationStatus(root);
    assert.equal(report.stale.length, 1);
    assert.equal(report.stale[0]!.since, v1, "the commit whose English file has the stamped hash");
    const text = formatStatus(report).join("\n");
    assert.match(text, new RegExp(`git diff ${v1.slice(0, 12)} -- ${ENGLISH}`));
    assert.match(text, /npm run i18n:stamp -- lessons\/zh-CN\/03-propagation\.md/);

    assert.match(stampFile(CHINESE, root, root), /sha256:[0-9a-f]{12}/);
    assert.deepEqual(translationStatus(root).stale, []);
    assert.match(readFileSync(join(root, CHINESE), "utf8"), /^<!-- zh-CN translation of lessons\/03-propagation\.md @ sha256:[0-9a-f]{12} -->\n\n# 传播\n/);
  });

  it("says plainly when no commit has the stamped hash (a translation of an uncommitted edit)", () => {
    write(ENGLISH, "# Propagation\n\nan edit never committed\n");
    stampFile(CHINESE, root, root);
    git("checkout", "--", ENGLISH);
    const text = formatStatus(translationStatus(root)).join("\n");
    assert.match(text, /no commit of lessons\/03-propagation\.md has the stamped hash: the translation was made from an uncommitted edit/);
    assert.doesNotMatch(text, /git diff/);
  });

  it("stamps a text that has none, and refuses a file that is not a translation", () => {
    write(CHINESE, "# 传播\n");
    stampFile(CHINESE, root, root);
    assert.match(readFileSync(join(root, CHINESE), "utf8"), /^<!-- zh-CN translation of lessons\/03-propagation\.md @ sha256:[0-9a-f]{12} -->\n\n# 传播\n$/);
    assert.throws(() => stampFile("docs/zh-CN/glossary.md", root, root), /not a Chinese text with an English source/);
  });

  it("lists a text with a malformed stamp as of unknown age", () => {
    write(CHINESE, "<!-- zh-CN translation of lessons/03-propagation.md @ sha256:xyz -->\n\n# 传播\n");
    const report = translationStatus(root);
    assert.deepEqual(report.unstamped, [CHINESE]);
    assert.match(formatStatus(report).join("\n"), /has no valid stamp/);
  });
});
