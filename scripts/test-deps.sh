#!/usr/bin/env bash
# Test-only components CI installs on top of scripts/setup.sh (a user building and serving needs none of them):
# Debian's chromium (driven by playwright-core in the browser tests; no browser download) and redis-server (the
# distributed-build tests start their own on a free port) and podman (the container export test builds an image
# with --isolation chroot from a base it makes with podman import). Safe to run again.
# Run: bash scripts/test-deps.sh
set -euo pipefail
say() { printf '[test-deps] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v podman >/dev/null 2>&1 || need+=(podman)
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi
say "chromium: $(chromium --version 2>/dev/null || echo missing)"
say "redis-server: $(redis-server --version 2>/dev/null | head -c 40 || echo missing)"
say "podman: $(podman --version 2>/dev/null || echo missing)"
