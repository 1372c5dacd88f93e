/** `sift data …`: inspect a source, unpack a package. Formatting only; the work is in src/data. */
import type { Command } from "commander";
import type { InspectSummary, LengthStats } from "../data/index.ts";

/** The data module is imported when a command runs, so other commands start without it. */
const dataModule = () => import("../data/index.ts");

function counts(record: Readonly<Record<string, number>>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  return entries.length > 0 ? entries.map(([k, n]) => `${k} ${n}`).join(" · ") : "none";
}

function lengths(stats: LengthStats): string {
  return `min ${stats.min} · median ${stats.p50} · mean ${stats.mean} · p95 ${stats.p95} · max ${stats.max}`;
}

/**
 * Before/after excerpts of the same window, starting a little before the first character that
 * differs: a change at the end of a long sentence is what the reader needs to see.
 */
export function changeWindow(before: string, after: string, width = 90): [string, string] {
  let first = 0;
  while (first < before.length && before[first] === after[first]) first++;
  const start = Math.max(0, Math.min(first - 20, Math.max(before.length, after.length) - width));
  const excerpt = (text: string): string => {
    const body = text.slice(start, start + width);
    return `${start > 0 ? "…" : ""}${body}${start + width < text.length ? "…" : ""}`;
  };
  return [excerpt(before), excerpt(after)];
}

function formatCleaning(summary: InspectSummary): string[] {
  const lines = ["cleaning (step: rows in → rows out; what changed)"];
  for (const step of summary.cleaning.steps) {
    lines.push(
      `  ${step.step.padEnd(17)} ${String(step.rowsIn).padStart(8)} → ${String(step.rowsOut).padEnd(8)} ${counts(step.counts)}`,
    );
    for (const example of step.examples) {
      const [before, after] = changeWindow(JSON.stringify(example.before), JSON.stringify(example.after));
      lines.push(`      ${example.reason}: ${before}`);
      lines.push(`      ${" ".repeat(example.reason.length)}  → ${after}`);
    }
  }
  return lines;
}

export function formatInspect(summary: InspectSummary): string {
  const lines = [
    `source       ${summary.source} (${summary.format})`,
    `columns      ${summary.columns.join(", ")}`,
    `rows         ${summary.rows.raw} read · ${summary.rows.clean} clean · ${summary.rows.undecided} "Can't Decide" set aside`,
    `labels       read:  ${counts(summary.labels.raw)}`,
    `             clean: ${counts(summary.labels.clean)}`,
    `text length  read:  ${lengths(summary.textLength.raw)}`,
    `             clean: ${lengths(summary.textLength.clean)}`,
    `issues       ${counts(summary.issueCounts)}`,
    ...formatCleaning(summary),
    `fingerprint  sha256:${summary.fingerprint}`,
  ];
  return `${lines.join("\n")}\n`;
}

export function registerDataCommands(program: Command): void {
  const data = program.command("data").description("Inspect data sources and unpack data packages.");

  data
    .command("inspect <source>")
    .description(
      "Read, validate and clean a source (package, SQLite, CSV or JSONL) and report what was found.",
    )
    .option("--json", "print the report as JSON")
    .option("--table <name>", "table holding the rows in SQLite sources", "data")
    .action(async (source: string, options: { json?: boolean; table: string }) => {
      const { inspectSummary, prepareData } = await dataModule();
      const summary = inspectSummary(await prepareData(source, { table: options.table, keepRawRows: false }));
      process.stdout.write(
        options.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatInspect(summary),
      );
    });

  data
    .command("unpack <package>")
    .description("Decode a data package into a SQLite file (written whole or not at all); prints its sha256.")
    .requiredOption("--out <file.db>", "the SQLite file to write")
    .option("--table <name>", "table holding the rows", "data")
    .action(async (pkg: string, options: { out: string; table: string }) => {
      const { unpackPackage } = await dataModule();
      const sha256 = await unpackPackage(pkg, options.out, { table: options.table });
      process.stdout.write(`${sha256}  ${options.out}\n`);
    });
}
