/**
 * The young generation of every sift command, held at its starting size.
 *
 * V8 grows a process's young generation with the machine's memory — to 64 MB semi-spaces on a
 * 24 GB machine — and never returns it. In the data layer and training that growth buys ~5 % of
 * speed for a lot of memory: holding it cut `sift train`'s peak RSS on the dev package from
 * 634–645 to 463–478 MB (6.1–6.3 → 6.5–6.6 s) and a 1M-row data load's from 518 to ~450 MB
 * (230k → 203–206k rows/s). It has to be a runtime flag: sift is started by `node`, `npx` or
 * `npm start`, never with our command-line flags, and this one (unlike the maximum sizes) is read
 * after the heap is set up. `sift serve` also caps old-generation growth (serve/young-generation.ts).
 */
import { setFlagsFromString } from "node:v8";

export function holdYoungGeneration(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
}
