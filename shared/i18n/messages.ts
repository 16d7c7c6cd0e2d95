/**
 * The learner CLI's sentences in each language: one typed object per
 * language, English the source. The Chinese object must have every key of
 * the English one (TypeScript checks it), so a new English sentence cannot
 * ship without its translation. Commands, file paths and the tests' 🚨
 * messages are not here: they stay as they are in every language.
 * Terms follow the edition's glossary (docs/zh-CN/glossary.md): 任务, 提示, 参考答案, 第 NN 课.
 */
import { currentLang, type Lang } from "./lang.ts";

type State = "done" | "in progress" | "not started" | "problem" | "missing" | "error";

const en = {
  state: (state: State) => state as string,
  // npm start
  progressTitle: "OpenTelemetry for AI agents · your progress",
  lessonsDone: (done: number, total: number) => `${done}/${total} lessons done`,
  nextLesson: (id: string, title: string) => `Next: lesson ${id} · ${title}`,
  firstOpenTask: (task: number, title: string, todoIn: string) => `first open task: Task ${task}${title ? ` · ${title}` : ""} (TODO(${task}) in ${todoIn})`,
  everyTaskPassesBut: (why: string) => `every task passes, but ${why}`,
  lessonTestsFail: (id: string) => `the lesson's tests do not: npm run verify -- ${id} shows what fails`,
  steps: {
    read: "read    ",
    edit: "edit    ",
    run: "run it  ",
    check: "check   ",
    watch: "or watch",
    watchWhy: "(re-checks every time you save)",
    stuck: "stuck?  ",
    stuckWhy: "(one hint at a time)",
    compare: "compare ",
    compareWhole: "(not started yet, so this is the whole solution: try the tasks first)",
    compareYours: "(your file against the solution)",
    restart: "restart ",
    restartWhy: "(back to the starting version)",
  },
  allDone: "Every lesson is done. 🎉",
  allDoneCompare: " Compare your files with the solutions: npm run diff -- NN",
  watchNow: (id: string) => `\nWatch lesson ${id} now (re-run its tests on every save)? [Y/n] `,
  noChineseText: (id: string, path: string) => `(lesson ${id} has no Chinese text yet (${path}); showing the English one)`,
  // npm run hint
  hintsReset: (id: string) => `Hints for lesson ${id} start over from the first one.`,
  lessonDoneHintsAnyway: (id: string) => `Lesson ${id} is done: every task passes.`,
  askAnyway: (id: string) => ` Ask for a task's hints anyway with: npm run hint -- ${id} <task>`,
  testsCouldNotRun: "(the tests could not run, so here is the first task's hint)",
  tasksPassLessonNot: (id: string, checks: string) =>
    `Every task of lesson ${id} passes, but the lesson is not done:\n${checks}\nIts full message: npm run verify -- ${id}. Hints for a task anyway: npm run hint -- ${id} <task>`,
  wholeLessonCheckFails: "a check of the whole lesson fails",
  noSuchTask: (id: string, asked: string, tasks: string) => `🚨 lesson ${id} has no task "${asked}". Its tasks are: ${tasks}.`,
  noTaskSections: (path: string) => `🚨 ${path} is missing or has no "## Task N" sections, so there are no hints to show.`,
  taskHasNoHints: (task: number, path: string) => `Task ${task} has no hints in ${path}; its section there explains the step.`,
  hintHeading: (id: string, task: number, title: string) => `Lesson ${id} · Task ${task}: ${title}`,
  hintLabel: (index: number, total: number, tier: number) => `Hint ${index}/${total} (${["a nudge", "the API to use", "the shape of the code"][tier] ?? "more"})`,
  stillStuck: (again: string) => `Still stuck? Run it again for the next hint: ${again}`,
  wasLastHint: (id: string) => `That was the last hint. Compare with the solution: npm run diff -- ${id}   (start hints over: npm run hint -- ${id} --reset)`,
  isLastHint: (id: string) => `That is the last hint for this task. Compare with the solution: npm run diff -- ${id}`,
  // npm run verify, and watch's report
  lessonHeading: (id: string, title: string) => `Lesson ${id} · ${title}`,
  taskLine: (task: number, title: string) => `Task ${task}  ${title}`,
  testsCount: (tests: number) => `(${tests} tests)`,
  moreFailing: (more: number) => `(+${more} more failing in this task)`,
  tasksDoneNext: (done: number, total: number, task: number, file: string, text: string) =>
    `${done}/${total} tasks done. Next: TODO(${task}) in ${file}, explained in ${text}.`,
  lessonComplete: (done: number, total: number) => `${done}/${total} tasks done. Lesson complete.`,
  tasksPassBut: (done: number, total: number, why: string) => `${done}/${total} tasks pass, but ${why}.`,
  progress: "Progress",
  noTypeErrors: "TypeScript finds no type errors",
  typeErrors: (count: number) => `TypeScript finds ${count} type error${count === 1 ? "" : "s"} (tsx runs the file without checking types; fix them anyway):`,
  // npm run watch
  checking: (time: string, file: string) => `${time}  checking ${file} …`,
  noOutput: "(no output)",
  testsRule: "── tests",
  stoppedWatching: "\nStopped watching.",
  movingOn: (id: string, nextId: string, nextTitle: string, text: string) => `Lesson ${id} is complete. Moving on to lesson ${nextId} · ${nextTitle} (${text}).`,
  watching: (file: string) => `Watching ${file}: save it to check again. Ctrl-C to stop.`,
  allDoneWatch: " Compare with the solutions: npm run diff -- NN",
  // npm run reset
  alreadyThere: (file: string, undo: boolean) => `${file} is already ${undo ? "that version" : "at its starting version"}. Nothing to do.`,
  nothingChanged: "Nothing changed.",
  startingVersion: "its starting version",
  yourVersionFrom: (backup: string) => `your version from ${backup}`,
  askUndo: (file: string, backup: string) => `Replace ${file} with ${backup}? The file you have now goes to the backup folder too. [y/N] `,
  askReset: (file: string, backups: string) => `Replace ${file} with its starting version? Your edits go to ${backups}/. [y/N] `,
  isBackTo: (file: string, from: string, backup: string | undefined) => `${file} is back to ${from}.${backup ? ` Your previous file: ${backup}` : ""}`,
  wasLink: (link: string) => `It was a symbolic link to ${link}: the link is now a regular file, and ${link} was not changed.`,
  changedMind: (id: string) => `Changed your mind? npm run reset -- ${id} --undo`,
  startAgain: (file: string, id: string) => `Start again with: npx tsx ${file}   and   npm run verify -- ${id}`,
  // npm run diff
  notStartedDiff: (file: string) => `${file} is not started yet, so its diff is the whole solution, every task at once.`,
  tryFirst: (id: string) => `Try the tasks first (npm run hint -- ${id} gives one hint at a time). To see it anyway: npm run diff -- ${id} --yes`,
  showIt: " Show it? [y/N] ",
  nothingShown: (id: string) => `Nothing shown. One hint at a time: npm run hint -- ${id}`,
  exactlySolution: (file: string) => `${file} is exactly the solution.`,
  yours: "yours",
  expectedSolution: "expected: the solution",
  diffLegend: (id: string) => `"-" lines are yours, "+" lines are what the solution expects. Tests: npm run verify -- ${id}`,
};

export type Messages = typeof en;

const ZH_STATE: Record<State, string> = { done: "已完成", "in progress": "进行中", "not started": "未开始", problem: "出错", missing: "文件缺失", error: "出错" };

const zhCN: Messages = {
  state: (state) => ZH_STATE[state],
  progressTitle: "OpenTelemetry 与 AI Agent · 你的进度",
  lessonsDone: (done, total) => `已完成 ${done}/${total} 课`,
  nextLesson: (id, title) => `下一步：第 ${id} 课 · ${title}`,
  firstOpenTask: (task, title, todoIn) => `第一个未完成的任务：任务 ${task}${title ? ` · ${title}` : ""}（${todoIn} 中的 TODO(${task})）`,
  everyTaskPassesBut: (why) => `每个任务都已通过，但${why}`,
  lessonTestsFail: (id) => `本课的测试没有通过：npm run verify -- ${id} 会显示哪里失败`,
  steps: {
    read: "阅读    ",
    edit: "编辑    ",
    run: "运行    ",
    check: "检查    ",
    watch: "或监视  ",
    watchWhy: "（每次保存都重新检查）",
    stuck: "卡住了？",
    stuckWhy: "（每次一条提示）",
    compare: "对照    ",
    compareWhole: "（还没开始，所以这是完整的参考答案：先自己试试这些任务）",
    compareYours: "（你的文件与参考答案对照）",
    restart: "重来    ",
    restartWhy: "（回到初始版本）",
  },
  allDone: "所有课程都已完成。🎉",
  allDoneCompare: " 把你的文件与参考答案对照：npm run diff -- NN",
  watchNow: (id) => `\n现在监视第 ${id} 课吗（每次保存都重新运行测试）？[Y/n] `,
  noChineseText: (id, path) => `（第 ${id} 课还没有中文版（${path}），下面显示英文版）`,
  hintsReset: (id) => `第 ${id} 课的提示从第一条重新开始。`,
  lessonDoneHintsAnyway: (id) => `第 ${id} 课已完成：每个任务都已通过。`,
  askAnyway: (id) => ` 仍想看某个任务的提示：npm run hint -- ${id} <任务编号>`,
  testsCouldNotRun: "（测试无法运行，所以这里给出第一个任务的提示）",
  tasksPassLessonNot: (id, checks) =>
    `第 ${id} 课的每个任务都已通过，但本课还没有完成：\n${checks}\n完整信息：npm run verify -- ${id}。仍想看某个任务的提示：npm run hint -- ${id} <任务编号>`,
  wholeLessonCheckFails: "一项针对整课的检查没有通过",
  noSuchTask: (id, asked, tasks) => `🚨 第 ${id} 课没有任务 "${asked}"。它的任务是：${tasks}。`,
  noTaskSections: (path) => `🚨 ${path} 不存在，或其中没有 "## 任务 N" 小节，所以没有提示可显示。`,
  taskHasNoHints: (task, path) => `任务 ${task} 在 ${path} 中没有提示；那一节的正文讲解了这一步。`,
  hintHeading: (id, task, title) => `第 ${id} 课 · 任务 ${task}：${title}`,
  hintLabel: (index, total, tier) => `提示 ${index}/${total}（${["轻推一下", "该用的 API", "代码的样子"][tier] ?? "更多"}）`,
  stillStuck: (again) => `还是卡住了？再运行一次，看下一条提示：${again}`,
  wasLastHint: (id) => `这已经是最后一条提示。与参考答案对照：npm run diff -- ${id}   （提示从头开始：npm run hint -- ${id} --reset）`,
  isLastHint: (id) => `这是本任务的最后一条提示。与参考答案对照：npm run diff -- ${id}`,
  lessonHeading: (id, title) => `第 ${id} 课 · ${title}`,
  taskLine: (task, title) => `任务 ${task}  ${title}`,
  testsCount: (tests) => `（${tests} 个测试）`,
  moreFailing: (more) => `（本任务另有 ${more} 个测试失败）`,
  tasksDoneNext: (done, total, task, file, text) => `已完成 ${done}/${total} 个任务。下一步：${file} 中的 TODO(${task})，讲解见 ${text}。`,
  lessonComplete: (done, total) => `已完成 ${done}/${total} 个任务。本课完成。`,
  tasksPassBut: (done, total, why) => `${done}/${total} 个任务通过，但${why}。`,
  progress: "进度",
  noTypeErrors: "TypeScript 没有发现类型错误",
  typeErrors: (count) => `TypeScript 发现 ${count} 个类型错误（tsx 运行文件时不检查类型；但仍请修正）：`,
  checking: (time, file) => `${time}  正在检查 ${file} …`,
  noOutput: "（没有输出）",
  testsRule: "── 测试",
  stoppedWatching: "\n已停止监视。",
  movingOn: (id, nextId, nextTitle, text) => `第 ${id} 课已完成。接着进入第 ${nextId} 课 · ${nextTitle}（${text}）。`,
  watching: (file) => `正在监视 ${file}：保存后会再次检查。按 Ctrl-C 停止。`,
  allDoneWatch: " 与参考答案对照：npm run diff -- NN",
  alreadyThere: (file, undo) => `${file} 已经是${undo ? "那个版本" : "初始版本"}，无需操作。`,
  nothingChanged: "没有做任何改动。",
  startingVersion: "初始版本",
  yourVersionFrom: (backup) => `你保存在 ${backup} 的版本`,
  askUndo: (file, backup) => `用 ${backup} 替换 ${file} 吗？你现在的文件也会放进备份文件夹。[y/N] `,
  askReset: (file, backups) => `把 ${file} 恢复为初始版本吗？你的修改会保存到 ${backups}/。[y/N] `,
  isBackTo: (file, from, backup) => `${file} 已恢复为${from}。${backup ? `你之前的文件：${backup}` : ""}`,
  wasLink: (link) => `它原本是指向 ${link} 的符号链接：现在它是普通文件，${link} 没有被修改。`,
  changedMind: (id) => `改主意了？npm run reset -- ${id} --undo`,
  startAgain: (file, id) => `重新开始：npx tsx ${file}   以及   npm run verify -- ${id}`,
  notStartedDiff: (file) => `${file} 还没有开始，所以它的 diff 就是完整的参考答案，所有任务一次全出。`,
  tryFirst: (id) => `先自己试试这些任务（npm run hint -- ${id} 每次给一条提示）。仍要查看：npm run diff -- ${id} --yes`,
  showIt: " 要显示吗？[y/N] ",
  nothingShown: (id) => `什么也没显示。每次一条提示：npm run hint -- ${id}`,
  exactlySolution: (file) => `${file} 与参考答案完全相同。`,
  yours: "你的",
  expectedSolution: "期望：参考答案",
  diffLegend: (id) => `"-" 行是你的，"+" 行是参考答案期望的。测试：npm run verify -- ${id}`,
};

const CATALOGUE: Record<Lang, Messages> = { en, "zh-CN": zhCN };

/** The sentences in the given language (default: this process's, see lang.ts). */
export function messages(lang: Lang = currentLang()): Messages {
  return CATALOGUE[lang];
}
