/** The real toolkit: the pipeline's steps bound to the data and learn modules' public surfaces. */
import { assignFolds, prepareData, splitRows } from "../data/index.ts";
import {
  chooseThreshold,
  defaultClassifierSpec,
  fitClassifier,
  gridSearch,
  loadClassifier,
} from "../learn/index.ts";
import type { PipelineConfig } from "./config-schema.ts";
import { targetsOf } from "./evaluate.ts";
import type { Toolkit } from "./toolkit-types.ts";

function thresholdFor(y: Uint8Array, scores: Float64Array, rule: PipelineConfig["threshold"]): number {
  if (rule.rule === "fixed") return rule.value;
  if (rule.rule === "precision-at-least")
    return chooseThreshold(scores, y, { kind: "precision-at-least", target: rule.value });
  return chooseThreshold(scores, y, { kind: "max-f1" });
}

export const defaultToolkit: Toolkit = {
  async prepareData(config, source) {
    const prepared = await prepareData(source, {
      table: config.table,
      textColumn: config.textColumn,
      labelColumn: config.labelColumn,
      classLabelColumn: config.classLabelColumn,
      cleaning: config.cleaning,
      // Training needs the clean rows and the report, not the raw rows: dropping them as they are
      // cleaned saves about 100 MB per million rows.
      keepRawRows: false,
    });
    return { source, rows: prepared.rows, report: prepared.report, fingerprint: prepared.fingerprint };
  },
  splitRows(rows, ratios, seed) {
    return splitRows(rows, { ...ratios, seed });
  },
  defaultSpec: defaultClassifierSpec,
  async search(input) {
    if (Object.keys(input.grid).length === 0) {
      return { best: input.spec, bestParams: {}, candidates: [{ params: {}, score: Number.NaN }] };
    }
    const folds = assignFolds(
      input.rows.map((row) => row.label),
      input.rows.map((row) => row.key),
      input.folds,
      input.seed,
    );
    const result = await gridSearch(
      input.spec,
      input.grid,
      input.rows.map((row) => row.text),
      targetsOf(input.rows),
      folds,
      {
        metric: input.metric,
        seed: input.seed,
        // The final fit comes with the search: its featurising overlaps the CV folds.
        refit: true,
        onProgress: (done, total, label) => input.onProgress(total === 0 ? 1 : done / total, label),
      },
    );
    return {
      best: result.best.spec,
      bestParams: result.best.params,
      ...(result.model === undefined ? {} : { model: result.model }),
      candidates: result.candidates.map((c) => ({ params: c.params, score: c.score })),
    };
  },
  async fit(spec, texts, y, seed, onProgress) {
    return fitClassifier(spec, texts, y, { seed, onProgress });
  },
  loadClassifier,
  chooseThreshold: thresholdFor,
};
