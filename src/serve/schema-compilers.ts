/**
 * Fastify's own schema compilers (@fastify/ajv-compiler for requests, fast-json-stringify for
 * responses), compiling each route's schemas on first use instead of all at start-up. Compiling
 * the ~40 schemas of the v1, v2, operations and production-loop routes took about a sixth of a
 * cold start, before the server could answer /readyz; most routes are never called in a given
 * process's first seconds, some never. `compileDeferred()` compiles whatever is still pending
 * (the service calls it shortly after it turns ready), so a schema error still shows up at
 * start-up, not on some later request.
 *
 * The compilers are shared: the predict hot path compiles its body schema with the very Ajv
 * instance Fastify uses, with the same options.
 */
import AjvCompiler from "@fastify/ajv-compiler";
import SerializerSelector from "@fastify/fast-json-stringify-compiler";
import type { FastifySchemaValidationError, FastifyServerOptions } from "fastify";

/** Fastify's `schemaController.compilersFactory` option. */
type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

/** The Ajv options Fastify validates with (http-app.ts passes the same object to Fastify). */
export const AJV_OPTIONS = {
  coerceTypes: false,
  removeAdditional: false,
  allErrors: false,
  useDefaults: true,
} as const;

export type Validate = ((data: unknown) => boolean) & {
  errors?: readonly FastifySchemaValidationError[] | null;
};

/** What Fastify calls a validator compiler with; @fastify/ajv-compiler's typings say a bare schema. */
interface ValidatorRoute {
  readonly schema: unknown;
  readonly method?: string;
  readonly url?: string;
  readonly httpPart?: string;
}

type ValidatorCompiler = (route: ValidatorRoute) => Validate;
type ValidatorFactory = (externalSchemas: Record<string, unknown>, options?: unknown) => ValidatorCompiler;

interface SerializerRoute {
  readonly schema?: unknown;
  readonly method: string;
  readonly url: string;
  readonly httpStatus: string;
}

type Serialize = (document: unknown) => string;
type SerializerCompiler = (route: SerializerRoute) => Serialize;
type SerializerFactory = (externalSchemas?: unknown, options?: never) => SerializerCompiler;

export class SchemaCompilers {
  readonly #validators = AjvCompiler() as unknown as ValidatorFactory;
  readonly #serializers = SerializerSelector() as unknown as SerializerFactory;
  readonly #pending = new Set<() => unknown>();

  /**
   * Fastify's `schemaController.compilersFactory`. Typed loosely by Fastify (its compilers take
   * and return its own route shapes); these wrap the very factories Fastify would use.
   */
  readonly compilersFactory: CompilersFactory = {
    buildValidator: (externalSchemas: Record<string, unknown>, options?: unknown): ValidatorCompiler => {
      const compile = this.#validators(externalSchemas, options);
      return (route) => this.#lazyValidator(() => compile(route));
    },
    buildSerializer: (externalSchemas?: unknown, options?: never): SerializerCompiler => {
      const compile = this.#serializers(externalSchemas, options);
      return (route) => this.#lazySerializer(() => compile(route));
    },
  } as unknown as CompilersFactory;

  /** A body validator from the Ajv instance Fastify validates with, compiled like the rest. */
  bodyValidator(schema: unknown, method: string, url: string): Validate {
    const compile = this.#validators({}, { customOptions: { ...AJV_OPTIONS } });
    return this.#lazyValidator(() => compile({ schema, method, url, httpPart: "body" }));
  }

  /** Compiles every schema not compiled yet. */
  compileDeferred(): void {
    for (const compile of this.#pending) compile();
  }

  /** `compile`, run once on first call, or by `compileDeferred` if nothing called it sooner. */
  #deferred<T>(compile: () => T): () => T {
    let compiled: T | undefined;
    const ready = (): T => {
      compiled ??= compile();
      this.#pending.delete(ready);
      return compiled;
    };
    this.#pending.add(ready);
    return ready;
  }

  #lazyValidator(compile: () => Validate): Validate {
    const ready = this.#deferred(compile);
    // Fastify reads the errors from the function it was given.
    const lazy: Validate = (data) => {
      const real = ready();
      const valid = real(data);
      lazy.errors = real.errors;
      return valid;
    };
    return lazy;
  }

  #lazySerializer(compile: () => Serialize): Serialize {
    const ready = this.#deferred(compile);
    return (document) => ready()(document);
  }
}
