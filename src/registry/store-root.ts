import path from "node:path";

/** The store every command uses unless told otherwise: --store, then $SIFT_STORE, then ./.sift. */
export function resolveStoreRoot(
  option?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  const chosen = option ?? (env.SIFT_STORE !== undefined && env.SIFT_STORE !== "" ? env.SIFT_STORE : ".sift");
  return path.resolve(cwd, chosen);
}
