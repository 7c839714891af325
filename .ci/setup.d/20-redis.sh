#!/usr/bin/env bash
# Installs Debian's redis-server for the Redis tests: the registrar's Redis store, and
# the breakout core's store counts and two nodes sharing one Redis (end to end).
# The tests start their own redis-server on a free loopback port; no daemon is
# started here. Fails loudly when it cannot install: those tests must fail, not skip.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  redis-server --version
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "20-redis.sh: not root and no sudo: cannot install redis-server" >&2
    exit 1
  fi
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends redis-server

if ! command -v redis-server >/dev/null 2>&1; then
  echo "20-redis.sh: redis-server is still not on PATH after installing it" >&2
  exit 1
fi
redis-server --version
