#!/usr/bin/env bash
# The dependency rules of .dependency-cruiser.cjs (import cycles, the package
# table, public entries only, layers) over the whole workspace. Workspace
# imports resolve to dist/, so `pnpm build` comes first.
#
# .dependency-cruiser-known-violations.json, while it exists, lists violations
# that are known and tolerated (each one named in it); any other violation
# fails. Delete the file once it lists nothing that still occurs. Never
# regenerate it to make a new violation pass.
#
# Usage: check-dependencies.sh [FOLDER…]   (default: the whole workspace)
set -euo pipefail
cd "$(dirname "$0")/.."
known=.dependency-cruiser-known-violations.json
folders=("$@")
if [[ ${#folders[@]} -eq 0 ]]; then
  folders=(packages examples tools benches)
fi
args=(--output-type err-long)
if [[ -f $known ]]; then
  args+=(--ignore-known "$known")
fi
exec node_modules/.bin/depcruise "${args[@]}" "${folders[@]}"
