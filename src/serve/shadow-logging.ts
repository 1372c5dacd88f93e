/**
 * The prediction hook of the production loop: every answered prediction goes to the monitor's
 * log queue, and shadow versions score the same sentences, their answers logged under the primary
 * prediction's id, never returned. In a server (`inWriter`) the primary rows only name their
 * shadow versions and the log's writer thread scores them (src/monitor/writer-shadows.ts).
 * Otherwise (tests, embedding) shadows score after the response has been sent (`setImmediate`).
 * A shadow that throws is counted and logged; a backlog of shadow work beyond `maxPending`
 * is skipped rather than queued, so shadows cannot grow memory or starve the primary path. A
 * shadow call slower than `slowMs` benches that version for `benchMs`: shadows share the event
 * loop, so a slow one would otherwise delay the requests that come after it.
 */
import { performance } from "node:perf_hooks";
import type { Monitor } from "../monitor/index.ts";
import { labelPredictions } from "./predictor.ts";
import type { TrafficRouter } from "./traffic.ts";
import type { PredictionEvent, PredictionHook, ServedModel } from "./types.ts";

export interface ShadowHookOptions {
  readonly monitor: Pick<Monitor, "onPrediction">;
  readonly traffic: Pick<TrafficRouter, "shadowsFor" | "shadowRefs" | "variantOf"> | null;
  /** Called when a shadow version throws; the primary response is long gone by then. */
  readonly onShadowError?: (model: ServedModel, error: unknown) => void;
  /** Shadow batches allowed to wait at once; more are skipped. Default 256. */
  readonly maxPending?: number;
  /** A shadow call slower than this (ms) benches its version. Default 100. */
  readonly slowMs?: number;
  /** How long a slow shadow version stays benched (ms). Default 60 000. */
  readonly benchMs?: number;
  readonly onShadowSlow?: (model: ServedModel, ms: number) => void;
  readonly now?: () => number;
  /**
   * Shadows score in the log's writer thread (production; the monitor's log was opened with a
   * shadow scorer): this hook then only names them on the primary rows. Without it, shadows
   * score on the event loop after the response (tests, embedding).
   */
  readonly inWriter?: boolean;
}

export interface ShadowStats {
  scored: number;
  failed: number;
  skipped: number;
  benched: number;
}

export function productionLoopHook(options: ShadowHookOptions): { hook: PredictionHook; stats: ShadowStats } {
  const stats: ShadowStats = { scored: 0, failed: 0, skipped: 0, benched: 0 };
  const maxPending = options.maxPending ?? 256;
  const slowMs = options.slowMs ?? 100;
  const benchMs = options.benchMs ?? 60_000;
  const now = options.now ?? Date.now;
  const benchedUntil = new Map<string, number>();
  let pending = 0;
  const { monitor, traffic } = options;

  const runShadow = (shadow: ServedModel, event: PredictionEvent): void => {
    const key = `${shadow.name}@${shadow.version}`;
    if ((benchedUntil.get(key) ?? 0) > now()) {
      stats.skipped++;
      return;
    }
    try {
      const ms = scoreShadow(monitor, shadow, event);
      stats.scored++;
      if (ms > slowMs) {
        stats.benched++;
        benchedUntil.set(key, now() + benchMs);
        options.onShadowSlow?.(shadow, ms);
      }
    } catch (error) {
      stats.failed++;
      options.onShadowError?.(shadow, error);
    }
  };

  const hook: PredictionHook = (event) => {
    const variant = traffic?.variantOf(event.model) ?? "default";
    if (options.inWriter === true) {
      logPrimary(monitor, event, variant, traffic?.shadowRefs(event.model) ?? "");
      return;
    }
    logPrimary(monitor, event, variant, "");
    const shadows = traffic?.shadowsFor(event.model) ?? [];
    if (shadows.length === 0) return;
    if (pending >= maxPending) {
      stats.skipped += shadows.length;
      return;
    }
    pending++;
    setImmediate(() => {
      pending--;
      for (const shadow of shadows) runShadow(shadow, event);
    });
  };
  return { hook, stats };
}

function logPrimary(
  monitor: Pick<Monitor, "onPrediction">,
  event: PredictionEvent,
  variant: string,
  shadows: string,
): void {
  const { model, predictions, sentences, at } = event;
  const latencyMs = Date.now() - at;
  for (let i = 0; i < predictions.length; i++) {
    const prediction = predictions[i];
    if (prediction === undefined) continue;
    monitor.onPrediction({
      id: prediction.id,
      time: at,
      model: model.name,
      version: model.version,
      score: prediction.probability,
      label: prediction.label,
      latencyMs,
      route: "primary",
      variant,
      sentence: sentences[i] ?? "",
      shadows,
    });
  }
}

/** Scores the request's sentences with `shadow` and logs them; returns the time it took (ms). */
function scoreShadow(
  monitor: Pick<Monitor, "onPrediction">,
  shadow: ServedModel,
  event: PredictionEvent,
): number {
  const started = performance.now();
  const at = Date.now();
  const predictions = labelPredictions(shadow, shadow.classifier.predictProba(event.sentences), at);
  const latencyMs = performance.now() - started;
  for (let i = 0; i < predictions.length; i++) {
    const prediction = predictions[i];
    const primary = event.predictions[i];
    if (prediction === undefined || primary === undefined) continue;
    monitor.onPrediction({
      id: prediction.id,
      requestId: primary.id,
      time: at,
      model: shadow.name,
      version: shadow.version,
      score: prediction.probability,
      label: prediction.label,
      latencyMs,
      route: "shadow",
      variant: "shadow",
      sentence: event.sentences[i] ?? "",
    });
  }
  return latencyMs;
}
