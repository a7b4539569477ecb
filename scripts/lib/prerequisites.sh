# Shared by scripts/start.sh and scripts/test.sh: the Node.js and pnpm every command needs.
# The caller defines say() and die() and sets PNPM_VERSION.

require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js is not installed: install Node.js 20.19 or newer (https://nodejs.org)."
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
    die "Node.js $(node --version) is too old: telerad needs 20.19 or newer."
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && pnpm --version >/dev/null 2>&1; then return; fi
  say "installing pnpm ${PNPM_VERSION}"
  if corepack enable pnpm >/dev/null 2>&1 && pnpm --version >/dev/null 2>&1; then return; fi
  # corepack is absent, or its shim cannot fetch pnpm (an old corepack cannot verify new releases).
  corepack disable pnpm >/dev/null 2>&1 || true
  npm install --global --no-fund --no-audit "pnpm@${PNPM_VERSION}" >/dev/null ||
    die "could not install pnpm: run \`npm install -g pnpm@${PNPM_VERSION}\` and try again."
  hash -r
}
