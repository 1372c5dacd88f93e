/**
 * Traffic policies on a running server: a weighted A/B split between versions of a model
 * (sticky by a caller key when one is given) and shadow versions that also score each request.
 * Policies live in the registry; this router re-reads them whenever the registry revision moves,
 * loads the versions they name, and answers `route` from memory — no I/O on the request path.
 * A version that is not loaded yet (or failed to load) falls back to the manager's model.
 */
import type { TrafficPolicy } from "../registry/index.ts";
import type { ModelManager, ModelSource } from "./model-manager.ts";
import type { ModelRouter } from "./predictor.ts";
import type { RouteRequest, ServedModel } from "./types.ts";

export interface PolicySource {
  revision(): Promise<number>;
  getTrafficPolicy(name: string): Promise<TrafficPolicy>;
}

export interface TrafficEvent {
  readonly type: "policy" | "loaded" | "refused";
  readonly model: string;
  readonly version?: number;
  readonly policy?: TrafficPolicy;
  readonly served?: ServedModel;
  readonly error?: Error;
}

export interface TrafficRouterOptions {
  readonly manager: ModelManager;
  readonly policies: PolicySource;
  readonly source: ModelSource;
  /**
   * Loads versions a policy only shadows (default `source`). When shadows score in a thread of
   * their own, this reads the manifest alone: the router needs their name, labels and reference.
   */
  readonly shadowSource?: ModelSource;
  /** How often to look for policy changes, in ms (default 250; 0 = only `refresh`). */
  readonly pollMs?: number;
  readonly onEvent?: (event: TrafficEvent) => void;
}

const EMPTY: TrafficPolicy = { split: [], shadow: [] };

/** FNV-1a of the key, mapped to [0, 1): the same key always lands in the same bucket. */
export function stickyBucket(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x1_0000_0000;
}

/** The split entry a bucket in [0, 1) falls in, by cumulative weight. */
export function pickVersion(split: TrafficPolicy["split"], bucket: number): number | undefined {
  let cumulative = 0;
  for (const entry of split) {
    cumulative += entry.weight;
    if (bucket < cumulative) return entry.version;
  }
  return split.at(-1)?.version;
}

export class TrafficRouter implements ModelRouter {
  readonly #manager: ModelManager;
  readonly #policies: PolicySource;
  readonly #source: ModelSource;
  readonly #shadowSource: ModelSource;
  readonly #pollMs: number;
  readonly #onEvent: (event: TrafficEvent) => void;
  #policy = new Map<string, TrafficPolicy>();
  #models = new Map<string, ServedModel>();
  /** Which source loaded each held version. */
  #sourceOf = new Map<string, ModelSource>();
  #refused = new Set<string>();
  /** shadowRefs' answers by answering model, until the policy or the held versions change. */
  #shadowRefs = new Map<ServedModel, string>();
  #revision = -1;
  #serving = "";
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: TrafficRouterOptions) {
    this.#manager = options.manager;
    this.#policies = options.policies;
    this.#source = options.source;
    this.#shadowSource = options.shadowSource ?? options.source;
    this.#pollMs = options.pollMs ?? 250;
    this.#onEvent = options.onEvent ?? (() => {});
  }

  async start(): Promise<void> {
    await this.refresh();
    if (this.#pollMs > 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => void this.refresh(), this.#pollMs);
      this.#timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  route(request: RouteRequest): ServedModel {
    const base = this.#manager.route(request);
    if (request.version !== undefined) return base;
    const split = this.#policy.get(base.name)?.split ?? [];
    if (split.length === 0) return base;
    const bucket = request.key === undefined ? Math.random() : stickyBucket(request.key);
    const version = pickVersion(split, bucket);
    return version === undefined ? base : this.#modelFor(base, version);
  }

  /** Loaded shadow versions of `model`'s name (never the version that answered). */
  shadowsFor(model: ServedModel): ServedModel[] {
    const shadow = this.#policy.get(model.name)?.shadow ?? [];
    const out: ServedModel[] = [];
    for (const version of shadow) {
      if (version === model.version) continue;
      const loaded = this.#modelFor(model, version);
      if (loaded.version === version) out.push(loaded);
    }
    return out;
  }

  /**
   * `name@version` of each of `model`'s loaded shadows, joined by "," ("" for none): what a
   * primary row of the prediction log names for the writer to score. Cached: asked per request.
   */
  shadowRefs(model: ServedModel): string {
    let refs = this.#shadowRefs.get(model);
    if (refs === undefined) {
      refs = this.shadowsFor(model)
        .map((shadow) => `${shadow.name}@${shadow.version}`)
        .join(",");
      // Bounded: a reloaded production version is a new model object.
      if (this.#shadowRefs.size >= 64) this.#shadowRefs = new Map();
      this.#shadowRefs.set(model, refs);
    }
    return refs;
  }

  policy(name: string): TrafficPolicy {
    return this.#policy.get(name) ?? EMPTY;
  }

  /** How `model` was chosen, for the prediction log: "split" when a split named it. */
  variantOf(model: ServedModel): string {
    const split = this.#policy.get(model.name)?.split ?? [];
    return split.some((entry) => entry.version === model.version) ? "split" : "default";
  }

  #modelFor(base: ServedModel, version: number): ServedModel {
    if (version === base.version) return base;
    return this.#models.get(`${base.name}@${version}`) ?? base;
  }

  refresh(): Promise<void> {
    this.#running ??= this.#refreshOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #refreshOnce(): Promise<void> {
    const revision = await this.#policies.revision().catch(() => this.#revision);
    const served = this.#manager.served();
    const names = served.map((model) => model.name);
    // A production swap changes which policy versions need their own copy, so it counts too.
    const serving = served.map((model) => `${model.name}@${model.version}`).join(",");
    const known = names.every((name) => this.#policy.has(name));
    if (revision === this.#revision && serving === this.#serving && known) return;
    this.#revision = revision;
    this.#serving = serving;
    this.#refused.clear();
    const policies = new Map<string, TrafficPolicy>();
    for (const name of names) {
      const policy = await this.#policies.getTrafficPolicy(name).catch(() => EMPTY);
      policies.set(name, policy);
      if (JSON.stringify(policy) !== JSON.stringify(this.#policy.get(name) ?? EMPTY)) {
        this.#onEvent({ type: "policy", model: name, policy });
      }
    }
    await this.#loadVersions(policies);
    this.#policy = policies;
    this.#shadowRefs = new Map();
  }

  /** Loads every version a policy names (keeping those already loaded), then drops the rest. */
  async #loadVersions(policies: ReadonlyMap<string, TrafficPolicy>): Promise<void> {
    const models = new Map<string, ServedModel>();
    const sources = new Map<string, ModelSource>();
    const serving = new Map(this.#manager.served().map((model) => [model.name, model.version]));
    for (const [name, policy] of policies) {
      const split = new Set(policy.split.map((entry) => entry.version));
      const versions = new Set([...split, ...policy.shadow]);
      // The version the manager serves is answered by its model; no second copy.
      versions.delete(serving.get(name) ?? 0);
      for (const version of versions) {
        const source = split.has(version) ? this.#source : this.#shadowSource;
        const key = `${name}@${version}`;
        const held = this.#models.get(key);
        // A version moved from shadow to split needs its classifier now: load it again.
        const reusable = held !== undefined && this.#sourceOf.get(key) === source;
        const model = reusable ? held : await this.#load(name, version, source);
        if (model !== undefined) {
          models.set(key, model);
          sources.set(key, source);
        }
      }
    }
    this.#models = models;
    this.#shadowRefs = new Map();
    this.#sourceOf = sources;
  }

  async #load(name: string, version: number, source: ModelSource): Promise<ServedModel | undefined> {
    const key = `${name}@${version}`;
    if (this.#refused.has(key)) return undefined;
    try {
      const model = await source.load(name, version, key);
      this.#onEvent({ type: "loaded", model: name, version, served: model });
      return model;
    } catch (error) {
      this.#refused.add(key);
      this.#onEvent({ type: "refused", model: name, version, error: error as Error });
      return undefined;
    }
  }

  /** Every model version held for a policy (for the dashboard and for monitors). */
  loaded(): ServedModel[] {
    return [...this.#models.values()];
  }
}
