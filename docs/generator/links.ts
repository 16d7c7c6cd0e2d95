/**
 * Where every page of the site lives, and how a link written in a markdown
 * file (relative to that file, as GitHub reads it) becomes a link that works
 * in the site, from file:// as well as from a server: always relative.
 *
 *   lessons/03-propagation.md#task-2  →  lessons/03-propagation.html#task-2
 *   ../shared/agents/agent.ts         →  source/shared/agents/agent.ts.html (a highlighted copy)
 *   https://opentelemetry.io/...      →  unchanged
 */
import { existsSync, statSync } from "node:fs";
import { join, posix } from "node:path";

export interface BrokenLink {
  /** The repo file the link was written in. */
  from: string;
  href: string;
}

export class SiteLinks {
  /** Repo files and folders that links point at, which get a source page. */
  readonly sources = new Set<string>();
  readonly broken: BrokenLink[] = [];

  /** @param pages repo-relative markdown file → site-relative page (e.g. "lessons/01-setup.md" → "lessons/01-setup.html") */
  constructor(
    readonly root: string,
    private readonly pages: ReadonlyMap<string, string>,
  ) {}

  /** The site page for a markdown file, if it has one. */
  pageFor(repoFile: string): string | undefined {
    return this.pages.get(repoFile);
  }

  /**
   * Rewrites `href`, written in repo file `fromFile`, for the page at site
   * path `fromPage`. External links, and links within the page, pass through.
   */
  resolve(href: string, fromFile: string, fromPage: string): string {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("#") || href.startsWith("//")) return href;
    const [path = "", fragment] = href.split("#", 2) as [string, string | undefined];
    const hash = fragment === undefined ? "" : `#${fragment}`;
    // Links are relative to the markdown file, or to the repo root when they start with "/".
    const target = path.startsWith("/")
      ? posix.normalize(path.slice(1))
      : posix.normalize(posix.join(posix.dirname(fromFile), decodeURIComponent(path)));
    const clean = target.replace(/\/$/, "");
    const page = this.pages.get(clean);
    if (page) return relativeHref(fromPage, page) + hash;
    const full = join(this.root, clean);
    if (clean.startsWith("..") || !existsSync(full)) {
      this.broken.push({ from: fromFile, href });
      return href;
    }
    this.sources.add(clean);
    return relativeHref(fromPage, sourcePagePath(clean, statSync(full).isDirectory())) + hash;
  }
}

/** Where the highlighted copy of a repo file (or the listing of a folder) lives in the site. */
export function sourcePagePath(repoPath: string, isDirectory: boolean): string {
  return isDirectory ? `source/${repoPath}/index.html` : `source/${repoPath}.html`;
}

/** A relative href from one site page to another site path. */
export function relativeHref(fromPage: string, to: string): string {
  const rel = posix.relative(posix.dirname(fromPage), to);
  return rel === "" ? posix.basename(to) : rel;
}

/** "../../" for a page two folders down: the prefix that reaches the site root. */
export function rootPrefix(page: string): string {
  const depth = page.split("/").length - 1;
  return "../".repeat(depth);
}
