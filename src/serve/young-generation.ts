/**
 * The server's heap growth, young generation and old.
 *
 * Young generation: V8 sizes it for the machine's memory and lets it grow to 64 MB semi-spaces
 * under a request load (a 24 GB machine's default), memory a server never returns: a third of
 * sift's RSS after a load test. Scavenges of a server's short-lived garbage cost the same in a
 * small young generation, so growth is turned off.
 *
 * Old generation: after each full collection V8 sets the next limit at the live size times a
 * factor it picks from the collector's speed, up to 4× on a small, fast-collecting heap like a
 * server's (~35 MB live). Under load the old generation fills with request garbage promoted out
 * of the small young generation, up to that limit. Capping the factor at 1.5× kept RSS after
 * bench:serve's load 16–19 MB lower (177–179 → 160–161 MB, interleaved runs) for a few percent
 * more CPU per request (more, smaller full collections, which are mostly concurrent).
 *
 * Both must be runtime flags: `sift serve` may be started by `node` or `npx` without our
 * command-line flags; only these two (not the sizes) are read after the heap is set up.
 *
 * The production start commands (`npm start`, the Dockerfile's CMD, docker-compose) also pass
 * `--min-semi-space-size=2 --max-semi-space-size=2`, which only a command line can set: 2 MB
 * semi-spaces instead of V8's 1 MB starting size. A batch request keeps a thousand sentences and
 * their predictions alive while it allocates the featuriser's garbage; with 1 MB semi-spaces the
 * scavenger copies that live batch again and again and promotes it: the flags gave the batch
 * endpoint +20 % sentences/s with the prediction log off and +11 % with it on (three interleaved
 * pairs each, bench/RESULTS.md), single sentences unchanged within noise, for ~5 MB of RSS.
 * 4 and 8 MB semi-spaces gained no more and cost 10–30 MB.
 */
import { setFlagsFromString } from "node:v8";

let capped = false;

/** Stops the young generation growing past its starting size and caps old-generation growth. */
export function capHeapGrowth(): void {
  if (capped) return;
  capped = true;
  setFlagsFromString(`--semi-space-growth-factor=${SEMI_SPACE_GROWTH_FACTOR}`);
  setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH_PERCENT}`);
}

const SEMI_SPACE_GROWTH_FACTOR = 1;
/** Next old-generation limit = live size × 1.5 after a full collection. */
const OLD_GENERATION_GROWTH_PERCENT = 50;
