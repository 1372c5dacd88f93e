/** The server's request limits: defaults, and checks that fail at start-up rather than per request. */
import { siftError } from "../errors.ts";
import type { ServeLimits } from "./types.ts";

export type ServeLimitsInput = Partial<ServeLimits>;

export const DEFAULT_LIMITS: ServeLimits = {
  maxSentenceLength: 5_000,
  maxBatch: 1_000,
  // A full batch of maximum-length sentences in UTF-8 (up to 3 bytes a character outside emoji), with room.
  bodyLimit: 1_000 * 5_000 * 3 + 64 * 1024,
  requestTimeoutMs: 10_000,
  handlerTimeoutMs: 10_000,
};

const BOUNDS: Record<keyof ServeLimits, readonly [number, number]> = {
  maxSentenceLength: [1, 1_000_000],
  maxBatch: [1, 100_000],
  bodyLimit: [64, 1024 * 1024 * 1024],
  requestTimeoutMs: [1, 3_600_000],
  handlerTimeoutMs: [1, 3_600_000],
};

export function serveLimits(input: ServeLimitsInput): ServeLimits {
  const limits = { ...DEFAULT_LIMITS, ...stripUndefined(input) };
  for (const key of Object.keys(BOUNDS) as (keyof ServeLimits)[]) {
    const value = limits[key];
    const [min, max] = BOUNDS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw siftError("SERVE_OPTION_INVALID", key, String(value), `use a whole number from ${min} to ${max}`);
    }
  }
  return limits;
}

function stripUndefined(input: ServeLimitsInput): ServeLimitsInput {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}
