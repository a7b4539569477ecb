# syntax=docker/dockerfile:1
# One image for every telerad service; the command picks which one runs:
#   node services/all-in-one/dist/main.js   (default: everything in one process)
#   node services/web/dist/main.js | services/ingest/dist/main.js | services/router/dist/main.js
#   | services/delivery/dist/main.js | services/previews/dist/main.js
# infra/compose.yaml runs each service in its own container from this image; infra/README.md
# documents every setting.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV CI=true COREPACK_ENABLE_DOWNLOAD_PROMPT=0
# corepack first; npm when corepack cannot fetch pnpm (an old corepack rejects newer signatures).
RUN (corepack enable pnpm && corepack prepare pnpm@10.34.8 --activate && pnpm --version) \
  || (corepack disable pnpm; npm install --global --no-fund --no-audit pnpm@10.34.8)
WORKDIR /app
# Packages are fetched from the lockfile alone, so editing the source does not refetch them.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN pnpm fetch
COPY . .
# Whatever the build context brought from a developer's checkout (installed modules, build output,
# local data) must not leak into the image.
RUN find . -name node_modules -prune -exec rm -rf {} + \
  && find . \( -name dist -o -name dist-ui \) -prune -exec rm -rf {} + \
  && rm -rf .data .test-data \
  && find . -name '*.tsbuildinfo' -delete
RUN pnpm install --frozen-lockfile --offline
# Typecheck and compile every package, then build the web UI.
RUN pnpm build
# Keep only what runs: reinstall without development dependencies (compilers, test tools).
RUN find . -name node_modules -prune -exec rm -rf {} + \
  && pnpm install --frozen-lockfile --offline --prod

FROM ${NODE_IMAGE} AS runtime
# redis-server is only for the all-in-one default without REDIS_URL (it then runs its own, with its
# data under TELERAD_DATA_DIR); compose deployments point REDIS_URL at a Redis server instead.
RUN apt-get update \
  && apt-get install -y --no-install-recommends redis-server \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
  TELERAD_DATA_DIR=/data \
  TELERAD_HTTP_PORT=8080 \
  TELERAD_DICOM_PORT=11112
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080 11112
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.TELERAD_HTTP_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "services/all-in-one/dist/main.js"]
