/**
 * The ceilings for bench:serve: a bare `node:http` server that reads and parses the same JSON body
 * sift's POST /v1/predict takes and
 *   - answers a constant (no store given): no framework, no model — the most any Node server on
 *     this machine can answer, so sift's requests/s are reported as a share of it;
 *   - or, with a store, scores the sentence with that store's production model through sift's
 *     public API and answers its label and probability: no framework, no validation, no metrics,
 *     no log — the most a one-thread Node server can answer with this model.
 *
 * usage: node bench/serve-ceiling.ts PORT [STORE]
 */
import { createServer } from "node:http";
import { openRegistry } from "../src/registry/index.ts";
import { ModelManager, parseModelRef, registrySource } from "../src/serve/index.ts";

const ANSWER = JSON.stringify({
  label: "Relevant",
  probability: 0.5,
  threshold: 0.5,
  model: { name: "ceiling", version: 1 },
  id: "00000000-0000-7000-8000-000000000000",
});

const port = Number(process.argv[2] ?? "0");
const store = process.argv[3];

/** The store's production model as a scorer, or a constant answer without a store. */
async function answerer(): Promise<(sentence: string) => string> {
  if (store === undefined) return () => ANSWER;
  const manager = new ModelManager({
    source: registrySource(openRegistry(store)),
    refs: [parseModelRef("relevance@production")],
    pollMs: 0,
  });
  await manager.start();
  const model = manager.route({});
  const { threshold, labels } = model.manifest;
  return (sentence) => {
    const probability = model.classifier.predictProba([sentence])[0] ?? 0;
    return JSON.stringify({
      label: probability >= threshold ? labels.positive : labels.negative,
      probability,
      threshold,
      model: { name: model.name, version: model.version },
      id: "00000000-0000-7000-8000-000000000000",
    });
  };
}

const answer = await answerer();

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    let sentence: string | undefined;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { sentence?: unknown };
      if (typeof body.sentence === "string") sentence = body.sentence;
    } catch {
      // Not JSON: `sentence` stays undefined and the request is answered 400 below.
    }
    const text =
      sentence === undefined ? '{"error":{"code":"INVALID_REQUEST","message":"bad body"}}' : answer(sentence);
    response.writeHead(sentence === undefined ? 400 : 200, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  });
});

server.listen(port, "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
