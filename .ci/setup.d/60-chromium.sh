#!/usr/bin/env bash
# Debian's chromium is the real browser of examples/web-phone's end-to-end
# test, driven by playwright-core (which downloads no browser of its own:
# the test starts /usr/bin/chromium). The test runs inside a private network
# namespace with only loopback up (`unshare -n`, then `ip link set lo up`),
# so it needs util-linux's unshare and iproute2's ip as well. The test fails
# when any of them is missing, so this script fails loudly when it cannot
# install them.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)

if [ "${#missing[@]}" -ne 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "60-chromium.sh: not root and no sudo: cannot install ${missing[*]}" >&2
      exit 1
    fi
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  status=0
  { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; } || status=$?
  if [ "$status" -ne 0 ]; then
    echo "60-chromium.sh: apt-get install ${missing[*]} failed ($status)" >&2
    exit "$status"
  fi
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "60-chromium.sh: /usr/bin/chromium is still not there after installing chromium" >&2
  exit 1
fi
for tool in unshare ip; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ] && [ ! -x "/sbin/$tool" ]; then
    echo "60-chromium.sh: $tool is still not found" >&2
    exit 1
  fi
done
# Debian's /usr/bin/chromium is a wrapper script; --version reaches the browser itself.
/usr/bin/chromium --version 2>/dev/null | head -n 1
