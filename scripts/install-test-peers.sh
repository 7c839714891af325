#!/usr/bin/env bash
# Installs the real peers the tests run against (SIPp, socat, redis-server,
# Python grpcio…) from Debian's packages, using sudo when not root. Each piece
# has its own script in .ci/setup.d/; they run in name order and fail loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
for setup in .ci/setup.d/*.sh; do
  [ -e "$setup" ] || continue
  echo "==> $setup"
  bash "$setup"
done
