#!/usr/bin/env bash
# Runs every check: install, build (typecheck and UI), lint, and all tests. As root it installs what
# the tests need when it is missing (pnpm; Debian's postgresql, redis-server, chromium, dcmtk, gdcm
# tools, orthanc and orthanc-dicomweb);
# otherwise it says what to install. The tests start their own PostgreSQL and Redis (see
# scripts/test/globalSetup.ts) and never use the machine's. Arguments go to `vitest run`, e.g.
# `./scripts/test.sh packages/queue` runs only those tests (after the same build and lint).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=10.34.8
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
started=$SECONDS

say() { printf '[test] %s\n' "$*" >&2; }
die() {
  say "$*"
  say "FAILED before the tests could run"
  exit 1
}

# shellcheck source=scripts/lib/prerequisites.sh
source scripts/lib/prerequisites.sh

have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
have_command() { command -v "$1" >/dev/null 2>&1; }

# Debian packages the tests need: PostgreSQL server binaries (the tests run a cluster of their own;
# whatever cluster the package starts is left alone), redis-server, Chromium for the browser tests
# dcmtk as a real DICOM peer, and Orthanc with its DICOMweb plugin as a real DICOMweb client (the
# tests run their own Orthanc on free ports; the package's own service is left alone).
ensure_system_packages() {
  local missing=()
  have_postgres || missing+=(postgresql)
  have_command redis-server || missing+=(redis-server)
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  have_command storescu || missing+=(dcmtk)
  have_command gdcmconv || missing+=(libgdcm-tools)
  [[ -x /usr/sbin/Orthanc || -x /usr/bin/Orthanc ]] || missing+=(orthanc)
  compgen -G '/usr/share/orthanc/plugins/*DicomWeb*.so' >/dev/null || missing+=(orthanc-dicomweb)
  ((${#missing[@]} == 0)) && return
  if [[ $(id -u) -ne 0 ]]; then
    die "missing: ${missing[*]} — run \`sudo apt-get install -y ${missing[*]}\` and try again."
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

require_node
ensure_pnpm
ensure_system_packages
say "installing dependencies"
pnpm install --frozen-lockfile || die "pnpm install failed"

# Build, lint and tests each run even when an earlier one failed, so one run reports everything.
failed=()
step() {
  local name=$1
  shift
  say "${name}: $*"
  if ! "$@"; then
    say "${name} FAILED"
    failed+=("$name")
  fi
}
step build pnpm build
step lint pnpm exec biome ci .
step tests pnpm exec vitest run "$@"

elapsed=$((SECONDS - started))
if ((${#failed[@]} > 0)); then
  say "FAILED: ${failed[*]} (after ${elapsed}s)"
  exit 1
fi
say "all passed: build, lint, tests (${elapsed}s)"
