#!/usr/bin/env bash
# Kamailio (Debian's `kamailio`) is the reference proxy of the load benchmark
# (`pnpm bench:load`, benches/load): SIPp → Kamailio → SIPp next to SIPp →
# core → SIPp. CI does not run that benchmark, but `scripts/install-test-peers.sh`
# installs everything a developer needs, so this script fails loudly when it
# cannot install Kamailio. Its init script is not used: the benchmark starts
# `kamailio -DD -E` in the foreground with a config of its own.
set -euo pipefail

if ! command -v kamailio >/dev/null 2>&1 && [ ! -x /usr/sbin/kamailio ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "40-kamailio.sh: not root and no sudo: cannot install kamailio" >&2
      exit 1
    fi
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends kamailio
fi

if command -v kamailio >/dev/null 2>&1; then
  KAMAILIO="$(command -v kamailio)"
elif [ -x /usr/sbin/kamailio ]; then
  KAMAILIO=/usr/sbin/kamailio
else
  echo "40-kamailio.sh: kamailio is still not found after installing it" >&2
  exit 1
fi
echo "kamailio: $KAMAILIO"; "$KAMAILIO" -v 2>&1 | grep -m1 -i 'version' || true
