/**
 * The embedded registry: artifact directories under a store root plus a SQLite index. The root,
 * clock and writer are injected (BentoML's store pattern), so tests use temporary stores and never
 * sleep. Every operation goes through the index, which is the single source of truth for what
 * exists; directories it does not list are invisible.
 */
import path from "node:path";
import { siftError } from "../errors.ts";
import { openIndex } from "./index-db.ts";
import { DEFAULT_ALIAS } from "./names.ts";
import { promoteVersion, rollbackAlias } from "./registry-aliases.ts";
import { listModels, loadVersion, resolveRef, showModel } from "./registry-read.ts";
import { deleteVersion, registerVersion } from "./registry-write.ts";
import type { StoreContext } from "./store-context.ts";
import { indexPath, MODELS_DIR, TMP_DIR } from "./store-layout.ts";
import { verifyStore } from "./store-verify.ts";
import { nodeStoreWriter, storeWriteError } from "./store-writer.ts";
import { getPolicy, readPolicy, setPolicy } from "./traffic-policy.ts";
import type { Registry, RegistryOptions } from "./types.ts";

/** Opens (creating if needed) the store at `root`. Fails with STORE_NOT_WRITABLE if it cannot. */
export function openRegistry(root: string, options: RegistryOptions = {}): Registry {
  const absolute = path.resolve(root);
  const writer = options.writer ?? nodeStoreWriter;
  const ctx: StoreContext = {
    root: absolute,
    db: openStore(absolute, writer),
    writer,
    clock: options.clock ?? (() => new Date()),
  };
  const revision = ctx.db.prepare("SELECT value FROM meta WHERE key = 'revision'");
  let closed = false;
  const open = (): StoreContext => {
    if (closed) throw siftError("INTERNAL", `the registry at ${absolute} was used after close()`);
    return ctx;
  };
  return {
    root: absolute,
    register: async (name, draft) => registerVersion(open(), name, draft),
    promote: async (name, version, alias = DEFAULT_ALIAS) => promoteVersion(open(), name, version, alias),
    rollback: async (name, alias = DEFAULT_ALIAS) => rollbackAlias(open(), name, alias),
    resolve: async (ref) => resolveRef(open(), ref),
    load: (name, version) => loadVersion(open(), name, version),
    list: async () => listModels(open()),
    show: async (name) => showModel(open(), name),
    deleteVersion: (name, version) => deleteVersion(open(), name, version, (n) => readPolicy(ctx, n)),
    verify: (verifyOptions) => verifyStore(open(), verifyOptions?.repair === true),
    setTrafficPolicy: async (name, policy) => setPolicy(open(), name, policy),
    getTrafficPolicy: async (name) => getPolicy(open(), name),
    revision: async () => {
      open();
      return Number(revision.get()?.value ?? 0);
    },
    close: () => {
      if (closed) return;
      closed = true;
      ctx.db.close();
    },
  };
}

function openStore(root: string, writer: RegistryOptions["writer"] & object) {
  try {
    writer.mkdir(path.join(root, MODELS_DIR));
    writer.mkdir(path.join(root, TMP_DIR));
    return openIndex(indexPath(root));
  } catch (error) {
    throw storeWriteError(root, error);
  }
}
