# sift: one image that serves the model trained on the bundled sample (or a store you mount).
#   docker build -t sift . && docker run -p 8080:8080 sift
# TypeScript runs through Node 24's type stripping; the server starts from an esbuild bundle of
# the CLI (scripts/bundle.ts), which still reads its worker threads and data files from src/.
ARG NODE_IMAGE=node:24-slim

# ── production dependencies only ────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ── the start bundle (esbuild is a dev dependency; only the bundle leaves this stage) ────────
FROM ${NODE_IMAGE} AS bundle
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY scripts/bundle.ts ./scripts/bundle.ts
RUN node scripts/bundle.ts

# ── train the bundled sample into a store (training needs production dependencies only) ──────
FROM ${NODE_IMAGE} AS model
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src
COPY proto ./proto
COPY samples ./samples
RUN node src/cli/main.ts train --store /app/.sift --promote --json > /dev/null

# ── runtime ──────────────────────────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=8080 \
    SIFT_STORE=/app/.sift \
    NODE_COMPILE_CACHE=/app/.cache/node
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json openapi.json ./
COPY src ./src
COPY proto ./proto
# `sift up` (and `sift train` without --data) train on the bundled sample.
COPY samples ./samples
COPY --from=model --chown=node:node /app/.sift ./.sift
COPY --from=bundle /app/dist/bundle ./dist/bundle
RUN mkdir -p /app/.cache/node && chown node:node /app/.cache/node
USER node
# Fill Node's compile cache now, so the first start of a new instance skips compiling (cold start).
RUN node --input-type=module -e "import fs from 'node:fs'; for (const f of fs.readdirSync('dist/bundle')) if (f !== 'sift.mjs') await import('./dist/bundle/' + f)" \
 && node dist/bundle/sift.mjs --help > /dev/null
EXPOSE 8080 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# PORT (set by Cloud Run and friends) picks the HTTP port; gRPC listens on 50051. The node flags
# are `npm start`'s: a 2 MB young generation (src/serve/young-generation.ts says why).
CMD ["node", "--min-semi-space-size=2", "--max-semi-space-size=2", "dist/bundle/sift.mjs", "serve", "--host", "0.0.0.0"]
