/**
 * `sift retrain --with-feedback`: the training data with production feedback merged in. Rows are
 * matched by the data module's normalised key (the key duplicates share), so a sentence that
 * is both in the training data and in the feedback keeps only the feedback's label — the
 * feedback is the newer truth. The merged rows are written as JSONL beside the store and the
 * returned config trains on that file, so the run records exactly what it learned from.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { normalisedKey, prepareData } from "../data/index.ts";
import type { PipelineConfig } from "./config-schema.ts";
import { resolveDataSource } from "./train-run.ts";

export interface FeedbackExample {
  readonly text: string;
  readonly label: string;
}

export interface FeedbackMerge {
  readonly config: PipelineConfig;
  readonly path: string;
  readonly trainingRows: number;
  /** Training rows whose label the feedback replaced. */
  readonly replaced: number;
  /** Feedback sentences not in the training data. */
  readonly added: number;
  readonly rows: number;
}

export async function mergeFeedback(
  config: PipelineConfig,
  feedback: readonly FeedbackExample[],
  options: { readonly cwd: string; readonly outDir: string; readonly stamp: string },
): Promise<FeedbackMerge> {
  const { data } = config;
  const prepared = await prepareData(resolveDataSource(config, options.cwd), {
    table: data.table,
    textColumn: data.textColumn,
    labelColumn: data.labelColumn,
    classLabelColumn: data.classLabelColumn,
    cleaning: data.cleaning,
    keepRawRows: false,
  });
  // Later feedback for the same sentence wins over earlier feedback.
  const truth = new Map<string, FeedbackExample>();
  for (const example of feedback) truth.set(normalisedKey(example.text), example);
  const lines: string[] = [];
  const trainingKeys = new Set<string>();
  let replaced = 0;
  const line = (text: string, label: string) =>
    lines.push(JSON.stringify({ [data.textColumn]: text, [data.labelColumn]: label }));
  for (const row of prepared.rows) {
    const key = normalisedKey(row.text);
    trainingKeys.add(key);
    const override = truth.get(key);
    if (override === undefined) line(row.text, row.label);
    else if (override.label !== row.label) replaced++;
  }
  for (const example of truth.values()) line(example.text, example.label);
  const file = path.join(options.outDir, `training-with-feedback-${options.stamp}.jsonl`);
  await mkdir(options.outDir, { recursive: true });
  await writeFile(file, `${lines.join("\n")}\n`);
  return {
    config: { ...config, data: { ...data, source: file } },
    path: file,
    trainingRows: prepared.rows.length,
    replaced,
    added: [...truth.keys()].filter((key) => !trainingKeys.has(key)).length,
    rows: lines.length,
  };
}
