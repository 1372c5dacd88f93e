/**
 * The dashboard in a real browser (headless Chromium through playwright-core): it loads, shows
 * the production model, per-version live metrics, the traffic policy, drift and charts, refreshes
 * itself, and fetches nothing from outside the server. Skips when Chromium is not installed
 * (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { type RunningService, startService } from "../src/serve/index.ts";
import {
  type LoopStore,
  loopStore,
  registerWithReference,
  SAMPLE_SENTENCES,
  sampleLabel,
  waitFor,
} from "./monitor-fixtures.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run does)`;
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let store: LoopStore;
let service: RunningService;
let profile = "";

async function post(route: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${service.url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function traffic(rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const [i, sentence] of SAMPLE_SENTENCES.entries()) {
      const answer = await post("/v1/predict", { sentence, key: `user-${i}` });
      if (i % 2 === 0) await post("/v1/feedback", { id: answer.id, label: sampleLabel(i) });
    }
  }
}

before(async () => {
  if (skip) return;
  store = await loopStore();
  await registerWithReference(store.registry, "relevance", { C: 0.5, threshold: 0.5 });
  profile = await mkdtemp(path.join(tmpdir(), "sift-chromium-"));
  service = await startService({
    store: store.root,
    port: 0,
    grpcPort: null,
    pollMs: 50,
    logLevel: "silent",
    docs: false,
    loop: { logPath: store.logPath, refreshIntervalMs: 0, pollMs: 50, flushIntervalMs: 10 },
  });
  await service.loaded;
  await store.registry.setTrafficPolicy("relevance", {
    split: [
      { version: 1, weight: 0.8 },
      { version: 2, weight: 0.2 },
    ],
    shadow: [2],
  });
  await waitFor(() => service.loop.traffic.loaded().length === 1, 5000, "version 2 loaded");
  await traffic(2);
});

after(async () => {
  if (skip) return;
  await service.close();
  await store.cleanup();
  await rm(profile, { recursive: true, force: true });
});

test("the dashboard shows the loop's state, refreshes, and stays on this server", { skip }, async () => {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    viewport: { width: 1280, height: 1400 },
  });
  try {
    const page = await context.newPage();
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(service.url)) foreign.push(request.url());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(`${service.url}/dashboard?refresh=300`);
    await page.waitForSelector("body[data-loaded=true]", { timeout: 10_000 });

    assert.match(await page.locator("header").innerText(), /relevance@production → version 1/);
    const versions = await page.locator("#versions tbody tr td:first-child").allInnerTexts();
    assert.deepEqual(
      versions,
      ["relevance@1", "relevance@2", "relevance@2 (shadow)"],
      "A/B arms and the shadow",
    );
    assert.deepEqual(await page.locator("#traffic tbody td").allInnerTexts(), [
      "relevance",
      "v1: 80%, v2: 20%",
      "v2",
    ]);
    assert.match(await page.locator("#drift").innerText(), /relevance@1/);
    assert.equal(await page.locator("#charts svg.chart").count(), 6);
    assert.ok((await page.locator("#charts svg.chart path").count()) >= 6, "the charts have lines");

    const before = Number(await page.locator("#overview .stat b").first().innerText());
    await traffic(1);
    const logged = page.locator("#overview .stat b").first();
    await waitFor(async () => Number(await logged.innerText()) > before, 10_000, "the page to refresh");
    await page.screenshot({ path: path.join(profile, "dashboard.png"), fullPage: true });
    if (process.env.SIFT_DASHBOARD_SCREENSHOT) {
      await page.screenshot({ path: process.env.SIFT_DASHBOARD_SCREENSHOT, fullPage: true });
    }
    assert.deepEqual(foreign, [], "the dashboard fetches nothing from elsewhere");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
