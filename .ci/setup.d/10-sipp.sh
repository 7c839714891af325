#!/usr/bin/env bash
# SIPp (Debian's sip-tester) drives packages/sip-core/test/interop: our UAS
# and UAC against an independent peer over UDP, TCP and TLS. Debian's SIPp has
# no TLS, so socat (OpenSSL) terminates TLS in front of it. Those tests fail
# when `sipp` or `socat` is missing, so this script fails loudly when it
# cannot install them.
set -euo pipefail

missing=()
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v socat >/dev/null 2>&1 || missing+=(socat)

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "10-sipp.sh: not root and no sudo: cannot install ${missing[*]}" >&2
      exit 1
    fi
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

for tool in sipp socat; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "10-sipp.sh: $tool is still not on PATH after installing ${missing[*]:-nothing}" >&2
    exit 1
  fi
done
echo "sipp: $(command -v sipp)"; sipp -v 2>&1 | grep -m1 SIPp || true
echo "socat: $(command -v socat)"; socat -V 2>&1 | grep -m1 'socat version'
