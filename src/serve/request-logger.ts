/**
 * Request-scoped loggers that cost nothing until used. Fastify gives every request a child of
 * the server's logger bound to its request id; pino builds a child by serialising its bindings,
 * which on the predict path costs more than the request's own logging (a request that succeeds
 * logs nothing at the default level). This child is made on the first log call instead.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Bindings, ChildLoggerOptions, LogFn } from "pino";

type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
  declare silent: LogFn;

  /** The pino child, made on first use. */
  real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}

// The log methods live on the prototype, so a request that never logs allocates one object.
for (const level of ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const) {
  LazyChildLogger.prototype[level] = function (this: LazyChildLogger, ...args: unknown[]): void {
    const real = this.real();
    Reflect.apply(real[level], real, args);
  } as LogFn;
}

/** Fastify's `childLoggerFactory`: a request logger that becomes a pino child on first use. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, options);
}

/** Whether `logger` writes at `level` (pino's `isLevelEnabled` when it has one). */
export function levelEnabled(logger: FastifyBaseLogger, level: Level): boolean {
  const probe = (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return probe === undefined ? true : probe.call(logger, level);
}
