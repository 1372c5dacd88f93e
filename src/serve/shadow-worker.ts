/**
 * The shadow scorer's thread: it loads shadow versions from the registry itself and scores the
 * sentences the server forwards, so shadow models use another core and can never hold the
 * server's event loop — however slow they are, or if they throw.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openRegistry } from "../registry/index.ts";
import { registrySource } from "./model-source.ts";
import { predictionId } from "./prediction-id.ts";
import { decodeShadowRequest, type ShadowReply, type ShadowRequest } from "./shadow-protocol.ts";
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

async function score(request: ShadowRequest): Promise<ShadowReply> {
  const { seq } = request;
  const jobs = decodeShadowRequest(request);
  let total = 0;
  for (const job of jobs) total += job.sentences.length;
  const scores = new Float64Array(total);
  const positive = new Uint8Array(total);
  const scoredJobs = new Uint8Array(jobs.length);
  const times = new Float64Array(jobs.length);
  const latencies = new Float64Array(jobs.length);
  const labels: string[] = [];
  const ids: string[] = [];
  const errors: string[] = [];
  let failed = 0;
  let at = 0;
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j] as (typeof jobs)[number];
    try {
      const shadow = await model(job.name, job.version);
      const started = performance.now();
      times[j] = Date.now();
      const probabilities = shadow.classifier.predictProba(job.sentences);
      latencies[j] = performance.now() - started;
      const { threshold, labels: names } = shadow.manifest;
      for (let i = 0; i < probabilities.length; i++) {
        const probability = probabilities[i] ?? Number.NaN;
        scores[at] = probability;
        positive[at] = probability >= threshold ? 1 : 0;
        ids.push(predictionId(times[j]));
        at++;
      }
      labels.push(names.positive, names.negative);
      scoredJobs[j] = 1;
    } catch (error) {
      failed++;
      labels.push("", "");
      if (errors.length < 5) errors.push(`${job.name}@${job.version}: ${String(error)}`);
    }
  }
  return {
    seq,
    scoredJobs,
    times,
    latencies,
    scores: scores.subarray(0, at),
    positive: positive.subarray(0, at),
    labels,
    ids: ids.join("\n"),
    failed,
    errors,
  };
}

parentPort?.on("message", (request: ShadowRequest) => {
  void score(request).then((reply) => {
    const transfer = [reply.scoredJobs.buffer, reply.times.buffer, reply.latencies.buffer];
    transfer.push(reply.scores.buffer, reply.positive.buffer);
    parentPort?.postMessage(reply, transfer);
  });
});
