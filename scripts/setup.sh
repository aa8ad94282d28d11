#!/usr/bin/env bash
# Install everything Lathe needs on a fresh Debian 12 / Ubuntu 24.04 machine that has Node >= 20 and npm:
# Bun (from npm), the workspace packages (frozen lockfile), and, only when Dawn finds no WebGPU adapter,
# Mesa's software Vulkan driver (lavapipe, Mesa >= 25). Safe to run again.
# Run: bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BUN_VERSION=1.4.5
say() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v bun >/dev/null 2>&1 || [ "$(bun --version 2>/dev/null)" != "$BUN_VERSION" ]; then
  say "installing bun@$BUN_VERSION from npm"
  npm install -g "bun@$BUN_VERSION" >/dev/null
  hash -r
fi
say "bun $(bun --version)"

say "bun install --frozen-lockfile"
bun install --frozen-lockfile

if bun scripts/has-adapter.ts; then
  exit 0
fi

say "no WebGPU adapter: installing Mesa's software Vulkan driver (lavapipe)"
. /etc/os-release
export DEBIAN_FRONTEND=noninteractive
if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
  # Debian 12's own Mesa (22.3) is too old for Dawn; bookworm-backports has 25.x.
  # Add the suite to the existing source entry rather than naming a mirror.
  src=$(grep -lE '^Suites:.*\bbookworm-updates\b' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)
  if [ -n "$src" ]; then
    grep -qE '^Suites:.*\bbookworm-backports\b' "$src" ||
      as_root sed -i -E '0,/^Suites:(.*\bbookworm-updates\b.*)$/s//Suites:\1 bookworm-backports/' "$src"
  elif [ -f /etc/apt/sources.list ] && grep -qE '^deb .* bookworm main' /etc/apt/sources.list; then
    grep -q 'bookworm-backports' /etc/apt/sources.list ||
      as_root sed -i -E '0,/^deb (\S+) bookworm main(.*)$/s//&\ndeb \1 bookworm-backports main\2/' /etc/apt/sources.list
  fi
  as_root apt-get update -qq
  as_root apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
else
  as_root apt-get update -qq
  as_root apt-get install -y -qq mesa-vulkan-drivers >/dev/null
fi

bun scripts/has-adapter.ts || {
  say "still no WebGPU adapter after installing mesa-vulkan-drivers; run 'bun run lathe doctor' for details"
  exit 1
}
