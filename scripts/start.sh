#!/usr/bin/env bash
# Starts telerad on this machine with the embedded defaults: PGlite, a local redis-server and a
# local folder for images, all under TELERAD_DATA_DIR (default .data/). Needs Node.js 20.19+;
# installs pnpm and, as root, redis-server when they are missing. Every TELERAD_* / DATABASE_URL /
# REDIS_URL / S3_* variable set in the environment is passed on (infra/README.md lists them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=10.34.8
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0

say() { printf '[start] %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# Runs a step quietly; shows its output only when it fails.
quietly() {
  local what=$1 output
  shift
  if ! output=$("$@" 2>&1); then
    printf '%s\n' "$output" >&2
    die "${what} failed: \`$*\`"
  fi
}

# shellcheck source=scripts/lib/prerequisites.sh
source scripts/lib/prerequisites.sh

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1; then return; fi
  if [[ $(id -u) -ne 0 ]]; then
    die "redis-server is not installed: run \`sudo apt-get install -y redis-server\` and try again."
  fi
  say "installing redis-server"
  # The package may start a redis of its own on port 6379; telerad runs its own on a unix socket
  # under the data dir, so the two never meet.
  export DEBIAN_FRONTEND=noninteractive
  quietly "apt-get update" apt-get update -qq
  quietly "installing redis-server" apt-get install -y -qq --no-install-recommends redis-server
}

require_node
ensure_pnpm
ensure_redis
[[ -d node_modules/.pnpm ]] || say "installing dependencies (the first time takes a minute or two)"
quietly "installing dependencies" pnpm install --frozen-lockfile
[[ -f services/all-in-one/dist/main.js ]] || say "building (the first time takes a minute)"
quietly "the build" pnpm build
exec node services/all-in-one/dist/main.js
