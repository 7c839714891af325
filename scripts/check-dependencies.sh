#!/usr/bin/env bash
# The dependency rules of .dependency-cruiser.cjs (import cycles, the package
# table, public entries only, layers) over the whole workspace. Workspace
# imports resolve to dist/, so `pnpm build` comes first. Any violation fails.
#
# Usage: check-dependencies.sh [FOLDER…]   (default: the whole workspace)
set -euo pipefail
cd "$(dirname "$0")/.."
folders=("$@")
if [[ ${#folders[@]} -eq 0 ]]; then
  folders=(packages examples tools benches)
fi
exec node_modules/.bin/depcruise --output-type err-long "${folders[@]}"
