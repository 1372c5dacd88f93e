/** The default cleaning, and merging a partial config (from YAML or the CLI) over it. */
import { siftError } from "../errors.ts";
import type { CleaningConfig } from "./types.ts";

export const defaultCleaningConfig: CleaningConfig = Object.freeze({
  nfkc: true,
  repairMojibake: true,
  removeReplacementChar: true,
  decodeHtmlEntities: true,
  urls: "token",
  mentions: "token",
  // A hashtag's word usually carries meaning (#earthquake); only the `#` goes.
  hashtags: "word",
  collapseWhitespace: true,
  normaliseLabels: true,
  dedupe: true,
  conflicts: "majority",
  cantDecide: "exclude",
  labelMap: Object.freeze({}),
});

const CHOICES: Readonly<Record<string, readonly string[]>> = {
  urls: ["keep", "token", "strip"],
  mentions: ["keep", "token", "strip", "word"],
  hashtags: ["keep", "token", "strip", "word"],
  conflicts: ["majority", "drop"],
  cantDecide: ["exclude", "not-relevant", "keep"],
};

/** Fills in defaults and rejects values a typo would otherwise silently ignore. */
export function resolveCleaningConfig(partial: Partial<CleaningConfig> = {}): CleaningConfig {
  const config = { ...defaultCleaningConfig, ...partial };
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const value = String(config[key as keyof CleaningConfig]);
    if (!allowed.includes(value)) {
      throw siftError(
        "CONFIG_INVALID",
        `data.cleaning.${key}`,
        `${JSON.stringify(value)} is not one of ${allowed.join(", ")}`,
      );
    }
  }
  return config;
}
