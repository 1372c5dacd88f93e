/**
 * The model manager: keeps one verified model per configured reference and swaps in a new one
 * when the registry moves an alias.
 *
 * Swapping is a single reference assignment, so a request that already took a model (through
 * `route`) finishes on it. A version that fails to load or verify is refused — logged through a
 * `refused` event — and the old one keeps serving. `route` is the single decision point for
 * "which model answers this request", so A/B splits and shadow scoring (registry traffic
 * policies) can be added there without touching the transports.
 */
import { isSiftError, siftError } from "../errors.ts";
import type { ModelRef } from "./model-ref.ts";
import { formatModelRef } from "./model-ref.ts";
import type { ModelEvent, RouteRequest, ServedModel } from "./types.ts";

/** Where models come from: the registry plus learn's loader in production (see model-source.ts). */
export interface ModelSource {
  /** A value that changes whenever a version or alias changes. Polled, so it must be cheap. */
  revision(): Promise<unknown> | unknown;
  /** The version a reference points at now. */
  resolve(ref: ModelRef): Promise<number> | number;
  /** Reads and verifies `name`@`version` and builds its classifier; throws if anything is off. */
  load(name: string, version: number, ref: string): Promise<ServedModel>;
}

export interface ModelManagerOptions {
  readonly source: ModelSource;
  /** First one is the default model (answers requests that name none). */
  readonly refs: readonly ModelRef[];
  /** How often to look for alias moves, in ms. 0 = never (tests call `refresh`). */
  readonly pollMs?: number;
}

interface Slot {
  readonly ref: ModelRef;
  readonly label: string;
  current: ServedModel | undefined;
  /** Versions that failed to load: not retried until the registry changes again. */
  readonly refused: Set<number>;
}

type Listener = (event: ModelEvent) => void;

export class ModelManager {
  readonly #source: ModelSource;
  readonly #slots: Map<string, Slot>;
  readonly #defaultName: string;
  readonly #pollMs: number;
  readonly #listeners = new Set<Listener>();
  #timer: NodeJS.Timeout | undefined;
  #lastRevision: unknown = Symbol("never polled");
  #running: Promise<void> | undefined;
  #stopped = false;
  /** Events waiting for `holdEvents`' release, in order; undefined when not held. */
  #held: ModelEvent[] | undefined;

  constructor(options: ModelManagerOptions) {
    const first = options.refs[0];
    if (first === undefined)
      throw siftError("SERVE_OPTION_INVALID", "models", "empty", "name at least one model");
    this.#source = options.source;
    this.#defaultName = first.name;
    this.#pollMs = options.pollMs ?? 250;
    this.#slots = new Map();
    for (const ref of options.refs) {
      if (this.#slots.has(ref.name)) {
        throw siftError("SERVE_OPTION_INVALID", "models", `${ref.name} twice`, "serve each model name once");
      }
      this.#slots.set(ref.name, { ref, label: formatModelRef(ref), current: undefined, refused: new Set() });
    }
  }

  get defaultName(): string {
    return this.#defaultName;
  }

  /** Subscribes to load/refuse events; returns the unsubscribe function. */
  onEvent(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Queues events instead of delivering them until the returned function is called, which
   * delivers them in order to the listeners subscribed by then. A server starts loading its model
   * before everything that listens to model events exists (the prediction log opens in the same
   * time); models still serve while events are held.
   */
  holdEvents(): () => void {
    this.#held ??= [];
    return () => {
      const held = this.#held ?? [];
      this.#held = undefined;
      for (const event of held) this.#emit(event);
    };
  }

  /** Loads what the references point at now, then keeps polling the registry. */
  async start(): Promise<void> {
    await this.refresh();
    // A stop() during the first load (a server whose start failed) must not start the polling.
    if (this.#pollMs > 0 && this.#timer === undefined && !this.#stopped) {
      this.#timer = setInterval(() => void this.refresh(), this.#pollMs);
      this.#timer.unref();
    }
  }

  /** Stops polling and waits for a check in progress, so the source can be closed after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Ready once every configured reference has a verified model. */
  ready(): boolean {
    for (const slot of this.#slots.values()) if (slot.current === undefined) return false;
    return true;
  }

  served(): ServedModel[] {
    const out: ServedModel[] = [];
    for (const slot of this.#slots.values()) if (slot.current !== undefined) out.push(slot.current);
    return out;
  }

  /** Configured references, e.g. `relevance@production`, whether loaded or not. */
  references(): string[] {
    return [...this.#slots.values()].map((slot) => slot.label);
  }

  /** Which model answers `request`. Throws NOT_READY or MODEL_NOT_SERVED. */
  route(request: RouteRequest): ServedModel {
    const name = request.model ?? this.#defaultName;
    const slot = this.#slots.get(name);
    if (slot === undefined) throw siftError("MODEL_NOT_SERVED", name, this.references().join(", "));
    const model = slot.current;
    if (model === undefined) throw siftError("NOT_READY");
    if (request.version !== undefined && request.version !== model.version) {
      throw siftError(
        "MODEL_NOT_SERVED",
        `${name} version ${request.version}`,
        `${name} version ${model.version}`,
      );
    }
    return model;
  }

  /**
   * Checks the registry once and loads what moved. Calls made while one runs share it, so the
   * poll timer and tests never load the same version twice.
   */
  refresh(): Promise<void> {
    this.#running ??= this.#refreshOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #refreshOnce(): Promise<void> {
    let revision: unknown;
    try {
      revision = await this.#source.revision();
    } catch (error) {
      this.#emit({ type: "unresolved", ref: "(registry)", error: asError(error) });
      return;
    }
    if (revision === this.#lastRevision && this.ready()) return;
    if (revision !== this.#lastRevision) for (const slot of this.#slots.values()) slot.refused.clear();
    this.#lastRevision = revision;
    for (const slot of this.#slots.values()) await this.#refreshSlot(slot);
  }

  async #refreshSlot(slot: Slot): Promise<void> {
    let version: number;
    try {
      version = await this.#source.resolve(slot.ref);
    } catch (error) {
      // An alias that vanished leaves the loaded version serving; a missing model keeps us unready.
      this.#emit({ type: "unresolved", ref: slot.label, error: asError(error) });
      return;
    }
    if (slot.current?.version === version || slot.refused.has(version)) return;
    try {
      const model = await this.#source.load(slot.ref.name, version, slot.label);
      const previous = slot.current;
      slot.current = model;
      this.#emit({ type: "loaded", model, previous });
    } catch (error) {
      slot.refused.add(version);
      this.#emit({ type: "refused", name: slot.ref.name, version, error: asError(error) });
    }
  }

  #emit(event: ModelEvent): void {
    if (this.#held !== undefined) {
      this.#held.push(event);
      return;
    }
    for (const listener of this.#listeners) listener(event);
  }
}

function asError(error: unknown): Error {
  if (isSiftError(error) || error instanceof Error) return error;
  return new Error(String(error));
}
