#!/usr/bin/env bash
# rtpengine (Debian's `rtpengine-daemon`) is the media relay of the breakout
# core: examples/breakout-core/test/media-relay and test/e2e/media-relay
# start their own `rtpengine --foreground --table=-1` (userspace forwarding,
# no kernel module) on free loopback ports and stop it after. Those tests fail
# when `rtpengine` is missing, so this script fails loudly when it cannot
# install it. The package's systemd unit is not used (and cannot start in a
# container without its config): policy-rc.d keeps apt from starting it.
set -euo pipefail

find_rtpengine() {
  if command -v rtpengine >/dev/null 2>&1; then command -v rtpengine
  elif [ -x /usr/bin/rtpengine ]; then echo /usr/bin/rtpengine
  elif [ -x /usr/sbin/rtpengine ]; then echo /usr/sbin/rtpengine
  fi
}

SUDO=""
if [ -z "$(find_rtpengine)" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "50-rtpengine.sh: not root and no sudo: cannot install rtpengine-daemon" >&2
      exit 1
    fi
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  # The tests run the binary themselves: no service is started by the install
  # (exit 101 = "action forbidden" for invoke-rc.d). Only a policy we put there is removed.
  policy=/usr/sbin/policy-rc.d
  added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 0755 "$policy"
    added_policy=1
  fi
  status=0
  { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends rtpengine-daemon; } || status=$?
  if [ -n "$added_policy" ]; then $SUDO rm -f "$policy"; fi
  if [ "$status" -ne 0 ]; then
    echo "50-rtpengine.sh: apt-get install rtpengine-daemon failed ($status)" >&2
    exit "$status"
  fi
fi

# Nor at boot, where systemd runs (a container without it: nothing to do).
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  ${SUDO:-} systemctl disable --now rtpengine-daemon >/dev/null 2>&1 || true
fi

RTPENGINE="$(find_rtpengine)"
if [ -z "$RTPENGINE" ]; then
  echo "50-rtpengine.sh: rtpengine is still not found after installing rtpengine-daemon" >&2
  exit 1
fi
echo "rtpengine: $RTPENGINE"; "$RTPENGINE" --version 2>&1 | head -n 1
