/**
 * The shadow scorer's thread: it loads shadow versions from the registry itself and scores the
 * sentences the server forwards, so shadow models use another core and can never hold the
 * server's event loop — however slow they are, or if they throw.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openRegistry } from "../registry/index.ts";
import { registrySource } from "./model-source.ts";
import { labelPredictions } from "./predictor.ts";
import type { ShadowJob, ShadowReply } from "./shadow-protocol.ts";
import type { ServedModel } from "./types.ts";

const registry = openRegistry((workerData as { store: string }).store);
const source = registrySource(registry);
const models = new Map<string, Promise<ServedModel>>();

function model(name: string, version: number): Promise<ServedModel> {
  const key = `${name}@${version}`;
  let loading = models.get(key);
  if (loading === undefined) {
    loading = source.load(name, version, key);
    // A failed load is retried with the next batch, not cached.
    loading.catch(() => models.delete(key));
    models.set(key, loading);
  }
  return loading;
}

async function score(jobs: readonly ShadowJob[]): Promise<ShadowReply> {
  const reply: ShadowReply = { events: [], scored: 0, failed: 0, errors: [] };
  for (const job of jobs) {
    try {
      const shadow = await model(job.name, job.version);
      const started = performance.now();
      const at = Date.now();
      const predictions = labelPredictions(shadow, shadow.classifier.predictProba(job.sentences), at);
      const latencyMs = performance.now() - started;
      predictions.forEach((prediction, i) => {
        reply.events.push({
          id: prediction.id,
          requestId: job.requestIds[i] ?? prediction.id,
          time: at,
          model: job.name,
          version: job.version,
          score: prediction.probability,
          label: prediction.label,
          latencyMs,
          route: "shadow",
          variant: "shadow",
          sentence: job.sentences[i] ?? "",
        });
      });
      reply.scored++;
    } catch (error) {
      reply.failed++;
      if (reply.errors.length < 5) reply.errors.push(`${job.name}@${job.version}: ${String(error)}`);
    }
  }
  return reply;
}

parentPort?.on("message", (jobs: readonly ShadowJob[]) => {
  void score(jobs).then((reply) => parentPort?.postMessage(reply));
});
