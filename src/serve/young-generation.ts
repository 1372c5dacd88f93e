/**
 * The server's young generation. V8 sizes it for the machine's memory and lets it grow to
 * 64 MB semi-spaces under a request load (a 24 GB machine's default), memory a server never
 * returns: a third of sift's RSS after a load test. Scavenges of a server's short-lived garbage
 * cost the same in a small young generation, so growth is turned off. It must be a runtime flag:
 * the process is started by `node` or `npx`, never with our command-line flags, and only the
 * growth factor (not the maximum size) is read after the heap is set up.
 */
import { setFlagsFromString } from "node:v8";

let capped = false;

/** Stops the young generation growing past its starting size, once per process. */
export function capYoungGeneration(): void {
  if (capped) return;
  capped = true;
  setFlagsFromString(`--semi-space-growth-factor=${GROWTH_FACTOR}`);
}

const GROWTH_FACTOR = 1;
