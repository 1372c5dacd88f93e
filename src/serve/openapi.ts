/** OpenAPI 3.1 document metadata; the paths come from the route schemas (see http-app.ts). */
import type { ServeLimits } from "./types.ts";
import { SIFT_VERSION } from "./version.ts";

export function openApiInfo(limits: ServeLimits) {
  return {
    openapi: "3.1.0",
    info: {
      title: "sift",
      version: SIFT_VERSION,
      description:
        "Text classification service. `POST /v1/predict` classifies one sentence; `/v1/predict/batch` many. " +
        "The Open Inference Protocol (KServe V2) is under `/v2`. Every error is " +
        '`{"error": {"code", "message"}}` with a status: 400 invalid input, 404 unknown model or route, ' +
        "405 wrong method, 413 body too large, 415 not JSON, 503 not ready. " +
        `Limits: sentences up to ${limits.maxSentenceLength} characters, batches up to ${limits.maxBatch} sentences, ` +
        `bodies up to ${limits.bodyLimit} bytes.`,
      license: { name: "MIT", identifier: "MIT" },
    },
    tags: [
      { name: "predict", description: "Classify sentences." },
      { name: "models", description: "What this server serves." },
      { name: "open inference protocol (v2)", description: "KServe V2 REST routes." },
      { name: "operations", description: "Health, readiness and metrics." },
    ],
  };
}
