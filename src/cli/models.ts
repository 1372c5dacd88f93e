/**
 * `sift models …`: list, show, promote, roll back, delete, verify, export and import registry
 * versions. Formatting only; the work is in src/registry. Every command takes --store and --json.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { siftError } from "../errors.ts";
import type {
  AliasMove,
  ModelDetails,
  ModelSummary,
  Registry,
  StoreVerifyReport,
} from "../registry/index.ts";

/** The registry is imported when a command runs, so other commands start without it. */
const registryModule = () => import("../registry/index.ts");
/** The registry's DEFAULT_ALIAS, repeated for option defaults (importing it is what we avoid). */
const DEFAULT_ALIAS_TEXT = "production";

/** Where output goes; tests pass their own. */
export interface ModelsCliIo {
  out(text: string): void;
}

const stdoutIo: ModelsCliIo = { out: (text) => process.stdout.write(text) };

interface CommonFlags {
  readonly store?: string;
  readonly json?: boolean;
}

export function registerModelsCommands(program: Command, io: ModelsCliIo = stdoutIo): void {
  const models = program.command("models").description("Model registry: versions, aliases, verify, export.");
  const print = (flags: CommonFlags, value: unknown, text: () => string) =>
    io.out(flags.json === true ? `${JSON.stringify(value, null, 2)}\n` : text());

  common(models.command("list").description("List models with their versions and aliases.")).action(
    (flags: CommonFlags) =>
      withRegistry(flags, async (registry) => {
        const list = await registry.list();
        print(flags, list, () => formatList(list, registry.root));
      }),
  );

  common(
    models.command("show <name>").description("Show a model's versions, alias history and traffic policy."),
  ).action((name: string, flags: CommonFlags) =>
    withRegistry(flags, async (registry) => {
      const details = await registry.show(name);
      print(flags, details, () => formatDetails(details));
    }),
  );

  common(
    models
      .command("promote <name> <version>")
      .description("Point an alias (default: production) at a version."),
  )
    .option("--alias <alias>", "alias to move", DEFAULT_ALIAS_TEXT)
    .action((name: string, version: string, flags: CommonFlags & { alias: string }) =>
      withRegistry(flags, async (registry) => {
        const move = await registry.promote(name, parseVersion(version), flags.alias);
        print(flags, move, () => formatMove(move, "promoted"));
      }),
    );

  common(
    models.command("rollback <name>").description("Move an alias back to the version it pointed at before."),
  )
    .option("--alias <alias>", "alias to move back", DEFAULT_ALIAS_TEXT)
    .action((name: string, flags: CommonFlags & { alias: string }) =>
      withRegistry(flags, async (registry) => {
        const move = await registry.rollback(name, flags.alias);
        print(flags, move, () => formatMove(move, "rolled back"));
      }),
    );

  common(
    models.command("delete <name> <version>").description("Delete a version no alias points at."),
  ).action((name: string, version: string, flags: CommonFlags) =>
    withRegistry(flags, async (registry) => {
      const number = parseVersion(version);
      await registry.deleteVersion(name, number);
      print(flags, { name, version: number, deleted: true }, () => `deleted ${name}@${number}\n`);
    }),
  );

  common(models.command("verify").description("Check the index against the files and every checksum."))
    .option("--repair", "remove leftovers of interrupted writes")
    .action((flags: CommonFlags & { repair?: boolean }) =>
      withRegistry(flags, async (registry) => {
        const report = await registry.verify({ repair: flags.repair === true });
        print(flags, report, () => formatVerify(report, registry.root));
        if (!report.ok)
          throw siftError("STORE_CORRUPT", registry.root, `${report.problems.length} problem(s) above`);
      }),
    );

  common(
    models
      .command("export <ref>")
      .description("Write a version (name, name@alias, name@3) as one .tgz file."),
  )
    .requiredOption("--out <file.tgz>", "file to write")
    .action((ref: string, flags: CommonFlags & { out: string }) =>
      withRegistry(flags, async (registry) => {
        const { name, version } = await registry.resolve(ref);
        const { packArtifact } = await registryModule();
        const bytes = await packArtifact(await registry.load(name, version));
        await writeWhole(flags.out, bytes);
        const result = { name, version, out: path.resolve(flags.out), bytes: bytes.byteLength };
        print(
          flags,
          result,
          () => `exported ${name}@${version} to ${flags.out} (${bytes.byteLength} bytes)\n`,
        );
      }),
    );

  common(
    models.command("import <file>").description("Register a version from an exported .tgz (verified first)."),
  )
    .option("--name <name>", "register under this name instead of the one in the manifest")
    .action((file: string, flags: CommonFlags & { name?: string }) =>
      withRegistry(flags, async (registry) => {
        const { unpackArtifact } = await registryModule();
        const artifact = await unpackArtifact(await readWhole(file), file);
        const {
          formatVersion: _f,
          name: original,
          version: _v,
          files: _files,
          ...manifest
        } = artifact.manifest;
        const name = flags.name ?? original;
        const registered = await registry.register(name, { manifest, files: artifact.files });
        const result = {
          name,
          version: registered.version,
          from: `${original}@${artifact.manifest.version}`,
        };
        print(flags, result, () => `imported ${file} as ${name}@${registered.version}\n`);
      }),
    );
}

function common(command: Command): Command {
  return command
    .option("--store <dir>", "model store (default: $SIFT_STORE or ./.sift)")
    .option("--json", "print JSON for scripts");
}

async function withRegistry(flags: CommonFlags, use: (registry: Registry) => Promise<void>): Promise<void> {
  const { openRegistry, resolveStoreRoot } = await registryModule();
  const registry = openRegistry(resolveStoreRoot(flags.store));
  try {
    await use(registry);
  } finally {
    registry.close();
  }
}

function parseVersion(text: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(text))
    throw siftError("USAGE", `A version is a whole number from 1, not ${JSON.stringify(text)}`);
  return Number(text);
}

async function readWhole(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") throw siftError("FILE_NOT_FOUND", file);
    throw error;
  }
}

/** Write to a temporary name beside the target, then rename: a reader never sees half a file. */
async function writeWhole(file: string, bytes: Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.partial`;
  try {
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw siftError("USAGE", `Cannot write ${file} (${(error as Error).message})`);
  }
}

// ── formatting ────────────────────────────────────────────────────────────────────────────────

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join("\n")}\n`;
}

function aliasList(aliases: Readonly<Record<string, number>>): string {
  const entries = Object.entries(aliases);
  return entries.length === 0 ? "-" : entries.map(([alias, v]) => `${alias}=${v}`).join(" ");
}

function when(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function metricList(metrics: Readonly<Record<string, number>>): string {
  const entries = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "-" : entries.map(([k, v]) => `${k}=${Number(v.toFixed(4))}`).join(" ");
}

function formatList(list: readonly ModelSummary[], root: string): string {
  if (list.length === 0) return `No models in ${root}. Train one with \`sift train\`.\n`;
  const rows = list.map((m) => [
    m.name,
    String(m.versions),
    m.latest === 0 ? "-" : String(m.latest),
    aliasList(m.aliases),
  ]);
  return table(["MODEL", "VERSIONS", "LATEST", "ALIASES"], rows);
}

function formatDetails(details: ModelDetails): string {
  const versions = details.versions.map((v) => [
    String(v.version),
    when(v.registeredAt),
    v.aliases.join(" ") || "-",
    metricList(v.metrics.test),
    v.runId ?? "-",
  ]);
  const parts = [
    `${details.name}: ${details.versions.length} version(s), aliases ${aliasList(details.aliases)}\n`,
    versions.length === 0
      ? "no versions\n"
      : table(["VERSION", "REGISTERED", "ALIASES", "TEST METRICS", "RUN"], versions),
  ];
  if (details.history.length > 0) {
    const history = details.history.map((e) => [when(e.at), e.alias, e.action, String(e.version)]);
    parts.push("\nalias history\n", table(["AT", "ALIAS", "ACTION", "VERSION"], history));
  }
  const { split, shadow } = details.trafficPolicy;
  if (split.length > 0 || shadow.length > 0) {
    const splitText =
      split.map((s) => `v${s.version} ${Math.round(s.weight * 1000) / 10}%`).join(", ") || "-";
    parts.push(`\ntraffic: split ${splitText}; shadow ${shadow.map((v) => `v${v}`).join(", ") || "-"}\n`);
  }
  return parts.join("");
}

function formatMove(move: AliasMove, verb: string): string {
  if (move.previous === move.version)
    return `${move.name}@${move.alias} already points at version ${move.version}\n`;
  const from = move.previous === null ? "(none)" : String(move.previous);
  return `${verb} ${move.name}@${move.alias}: ${from} → ${move.version}\n`;
}

function formatVerify(report: StoreVerifyReport, root: string): string {
  const lines = [`${report.ok ? "ok" : "PROBLEMS"}: ${report.checked} version(s) checked in ${root}`];
  for (const p of report.problems)
    lines.push(`  ${p.name}${p.version === null ? "" : `@${p.version}`}: ${p.problem}`);
  for (const r of report.repaired) lines.push(`  removed leftover ${r}`);
  for (const o of report.orphans)
    lines.push(`  leftover ${o} (ignored by readers; \`sift models verify --repair\` removes it)`);
  return `${lines.join("\n")}\n`;
}
