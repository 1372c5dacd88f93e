/**
 * Writes docs/errors.md from the error catalogue (src/errors.ts): one row per code with its HTTP
 * status, exit code and message. `test/errors-catalogue.test.ts` fails when the two drift apart,
 * so a new code is documented in the same change that adds it.
 *
 *   node scripts/errors-doc.ts           # rewrite docs/errors.md
 */
import { writeFileSync } from "node:fs";
import { errorCatalogue } from "../src/errors.ts";

export function renderErrorsDoc(): string {
  const rows = Object.entries(errorCatalogue).map(([code, spec]) => {
    const message = spec.message.replaceAll("|", "\\|").replaceAll("%s", "…");
    return `| \`${code}\` | ${spec.status} | ${spec.exit} | ${message} |`;
  });
  return [
    "# Error codes",
    "",
    "Every error sift reports has a stable code. The HTTP API answers",
    '`{"error": {"code": "...", "message": "..."}}` with the status below; the CLI prints',
    "`sift: CODE: message` and exits with the exit code below (0 success, 1 internal, 2 usage or",
    "configuration, 3 a gate failed, 4 bad input data, 5 model or registry problem).",
    "",
    "Generated from `src/errors.ts` by `node scripts/errors-doc.ts`; a test keeps the two in step.",
    "",
    "| code | HTTP | exit | message (… is filled in) |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

if (import.meta.main) {
  writeFileSync(new URL("../docs/errors.md", import.meta.url), renderErrorsDoc());
}
