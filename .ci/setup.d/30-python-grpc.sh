#!/usr/bin/env bash
# Installs Debian's python3-grpcio and python3-protobuf for
# packages/grpc-api/test/interop: a gRPC client we did not write (Python's
# grpcio) calls our SipBreakoutService with the schema loaded from a
# descriptor set built from our .proto files. Those tests fail when the
# modules are missing, so this script fails loudly when it cannot install them.
# Debian's modules are for Debian's interpreter, /usr/bin/python3 (a python3
# earlier on PATH, e.g. pyenv's, does not see them); the tests use it too.
set -euo pipefail

PY=/usr/bin/python3

if [ -x "$PY" ] && "$PY" -c 'import grpc, google.protobuf' >/dev/null 2>&1; then
  "$PY" -c 'import grpc, google.protobuf; print("grpcio", grpc.__version__, "protobuf", google.protobuf.__version__)'
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "30-python-grpc.sh: not root and no sudo: cannot install python3-grpcio python3-protobuf" >&2
    exit 1
  fi
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends python3 python3-grpcio python3-protobuf

if ! "$PY" -c 'import grpc, google.protobuf' >/dev/null 2>&1; then
  echo "30-python-grpc.sh: $PY still cannot import grpc and google.protobuf after installing them" >&2
  exit 1
fi
"$PY" -c 'import grpc, google.protobuf; print("grpcio", grpc.__version__, "protobuf", google.protobuf.__version__)'
