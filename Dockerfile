# sift: one image that serves the model trained on the bundled sample (or a store you mount).
#   docker build -t sift . && docker run -p 8080:8080 sift
# TypeScript runs through Node 24's type stripping: no build step, no TypeScript at run time.
ARG NODE_IMAGE=node:24-slim

# ── production dependencies only ────────────────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

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
RUN mkdir -p /app/.cache/node && chown node:node /app/.cache/node
USER node
# Fill Node's compile cache now, so the first start of a new instance skips compiling (cold start).
RUN node --input-type=module -e "await import('./src/serve/index.ts'); await import('./src/pipeline/index.ts')"
EXPOSE 8080 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# PORT (set by Cloud Run and friends) picks the HTTP port; gRPC listens on 50051.
CMD ["node", "src/cli/main.ts", "serve", "--host", "0.0.0.0"]
