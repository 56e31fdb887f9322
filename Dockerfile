# Images for compose.yaml, built from this repository: `docker compose build`.
# Targets: api (also runs the migrations and the TURN/TLS front), web, livekit, caddy.

# --- the workspace with its dependencies (the lockfile pins every version) ---
FROM node:20-bookworm-slim AS deps
ENV NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 CI=1
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/ui/package.json packages/ui/
COPY scripts/package.json scripts/
RUN pnpm install --frozen-lockfile
COPY . .

# --- the API (tRPC, webhooks, uploads, media; ffmpeg reads the recordings) ---
FROM deps AS api
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production API_HOST=127.0.0.1 API_PORT=3001
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]

# --- the web app (Next.js, production build) ---
FROM deps AS web
RUN pnpm --filter @ringback/web build
ENV NODE_ENV=production
WORKDIR /app/apps/web
# only Caddy, on this host, talks to it
CMD ["node", "node_modules/next/dist/bin/next", "start", "-p", "3000", "-H", "127.0.0.1"]

# --- LiveKit, the same release the one-machine stack builds (scripts/stack/livekit.ts) ---
FROM golang:1.26-bookworm AS livekit-build
RUN CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN=/out go install github.com/livekit/livekit-server/cmd/server@v1.13.5

FROM debian:bookworm-slim AS livekit
COPY --from=livekit-build /out/server /usr/local/bin/livekit-server
# the configuration comes from compose.yaml in LIVEKIT_CONFIG
ENTRYPOINT ["/usr/local/bin/livekit-server"]

# --- Caddy, Debian's package (2.6.2) as in one-machine public mode ---
FROM debian:bookworm-slim AS caddy
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends caddy ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY deploy/Caddyfile /etc/caddy/Caddyfile
ENV XDG_DATA_HOME=/data XDG_CONFIG_HOME=/config
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
