/**
 * A sift server in a child process for the reliability tests (SIGKILL, slow shadows measured
 * from outside the server's event loop). argv: mode ("serve" | "slow-shadow" | "throwing-shadow"),
 * store root, log path. Prints one JSON line {url} when listening.
 */
import { Registry as MetricsRegistry } from "prom-client";
import { Monitor } from "../src/monitor/index.ts";
import { openRegistry } from "../src/registry/index.ts";
import type { ModelSource, ServedModel } from "../src/serve/index.ts";
import {
  createServer,
  ModelManager,
  Predictor,
  parseModelRef,
  productionLoopHook,
  registrySource,
  startService,
  TrafficRouter,
} from "../src/serve/index.ts";

const [mode = "serve", root = "", logPath = ""] = process.argv.slice(2);

if (mode === "serve") {
  const service = await startService({
    store: root,
    port: 0,
    grpcPort: null,
    logLevel: "silent",
    docs: false,
    loop: { logPath, flushIntervalMs: 20, refreshIntervalMs: 0 },
  });
  await service.loaded;
  process.stdout.write(`${JSON.stringify({ url: service.url })}\n`);
} else {
  const registry = openRegistry(root);
  const real = registrySource(registry);
  // Version 2 is the shadow: it sleeps 3 s (busy) or throws on every call.
  const source: ModelSource = {
    revision: () => real.revision(),
    resolve: (ref) => real.resolve(ref),
    load: async (name, version, ref) => {
      const model = await real.load(name, version, ref);
      return version === 1 ? model : misbehaving(model, mode);
    },
  };
  const manager = new ModelManager({ source, refs: [parseModelRef("relevance@production")], pollMs: 0 });
  await manager.start();
  const traffic = new TrafficRouter({
    manager,
    source,
    pollMs: 0,
    policies: { revision: async () => 1, getTrafficPolicy: async () => ({ split: [], shadow: [2] }) },
  });
  await traffic.start();
  const monitor = await Monitor.open({
    log: { path: logPath },
    refreshIntervalMs: 0,
    registry: new MetricsRegistry(),
  });
  const { hook, stats } = productionLoopHook({ monitor, traffic });
  const predictor = new Predictor(traffic, () => {});
  predictor.onPrediction(hook);
  const app = await createServer({
    manager,
    predictor,
    loop: { registerRoutes: (server) => server.get("/shadow-stats", () => stats) },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
}

function misbehaving(model: ServedModel, how: string): ServedModel {
  const classifier = model.classifier;
  return {
    ...model,
    classifier: {
      spec: classifier.spec,
      save: () => classifier.save(),
      explain: (text, top) => classifier.explain(text, top),
      predictProba: (texts) => {
        if (how === "throwing-shadow") throw new Error("the shadow model is broken");
        const until = Date.now() + 3000;
        while (Date.now() < until) {
          // busy: a slow model holds the event loop
        }
        return classifier.predictProba(texts);
      },
    },
  };
}
