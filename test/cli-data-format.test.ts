/** `sift data inspect` shows each cleaning example around the place where it changed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { changeWindow } from "../src/cli/data.ts";

test("a change at the end of a long sentence is in view on both lines", () => {
  const before = `${"word ".repeat(40)}Praam\uFFFD_ius`;
  const after = `${"word ".repeat(40)}Praam_ius`;
  const [b, a] = changeWindow(before, after, 40);
  assert.ok(b.startsWith("…") && a.startsWith("…"));
  assert.ok(b.includes("Praam\uFFFD_ius") && a.includes("Praam_ius"));
});

test("short texts are shown whole; a change near the start keeps the start", () => {
  assert.deepEqual(changeWindow("Dr. Jim &amp; co", "Dr. Jim & co"), ["Dr. Jim &amp; co", "Dr. Jim & co"]);
  const [b] = changeWindow(`&amp; ${"x".repeat(200)}`, `& ${"x".repeat(200)}`, 50);
  assert.ok(b.startsWith("&amp;") && b.endsWith("…"));
});
