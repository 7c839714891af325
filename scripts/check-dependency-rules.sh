#!/usr/bin/env bash
# Proves that the dependency check (scripts/check-dependencies.sh) catches
# what it is for: in a temporary copy of the workspace, it plants one
# violation at a time (an import cycle of type-only imports, an upward import
# against the package table, an import of a package not declared, a deep import into another package's src/, an
# import across a layer inside sip-core, an import of an example) and expects
# the check to fail on it with the rule's name; the copy without a plant must
# pass. The working tree is never touched. Needs `pnpm build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
copy=$(mktemp -d "${TMPDIR:-/tmp}/sipbreakout-deps.XXXXXX")
trap 'rm -rf "$copy"' EXIT

# The sources, the built entries and the packages' own node_modules links;
# the root node_modules is shared, not copied.
tar -c --exclude=./node_modules --exclude=./.git --exclude='*/.vite-temp' . | tar -x -C "$copy"
ln -s "$root/node_modules" "$copy/node_modules"

failures=0

# check NAME RULE FOLDER: runs the check on FOLDER of the copy; RULE empty means it must pass.
check() {
  local name=$1 rule=$2 folder=$3 out rc=0
  out=$(cd "$copy" && bash scripts/check-dependencies.sh "$folder" 2>&1) || rc=$?
  if [[ -z $rule ]]; then
    if [[ $rc -eq 0 ]]; then echo "ok   $name: passes"; else echo "FAIL $name: the check failed on the unplanted copy"; failures=$((failures + 1)); fi
  elif [[ $rc -ne 0 ]] && grep -q "error $rule" <<<"$out"; then
    echo "ok   $name: fails with $rule"
  else
    echo "FAIL $name: expected the check to fail with $rule (exit $rc)"
    failures=$((failures + 1))
  fi
  printf '%s\n' "$out" | grep -E "^\s+(error|warn) |^      " | sed 's/^/       | /' || true
}

# plant FILE CONTENT: writes one file into the copy.
plant() { mkdir -p "$(dirname "$copy/$1")"; printf '%s\n' "$2" >"$copy/$1"; }
unplant() { rm -f "${@/#/$copy/}"; }

check 'no plant' '' packages

plant packages/routing/src/planted-a.ts "import type { PlantedB } from './planted-b.js';
export interface PlantedA { readonly b?: PlantedB }"
plant packages/routing/src/planted-b.ts "import type { PlantedA } from './planted-a.js';
export interface PlantedB { readonly a?: PlantedA }"
check 'type-only cycle' 'no-circular' packages/routing
unplant packages/routing/src/planted-a.ts packages/routing/src/planted-b.ts

# routing declares registrar as a dependency (what `pnpm add` would link) and imports it.
mkdir -p "$copy/packages/routing/node_modules/@sipbreakout"
ln -s ../../../registrar "$copy/packages/routing/node_modules/@sipbreakout/registrar"
plant packages/routing/src/planted-upward.ts "import { MemoryRegistrationStore } from '@sipbreakout/registrar';
export const planted = MemoryRegistrationStore;"
check 'upward import' 'package-table-packages-routing' packages/routing
unplant packages/routing/src/planted-upward.ts packages/routing/node_modules/@sipbreakout/registrar

# The same import without the dependency declared does not resolve: that fails too.
plant packages/routing/src/planted-undeclared.ts "export { MemoryRegistrationStore } from '@sipbreakout/registrar';"
check 'undeclared import' 'workspace-unresolvable' packages/routing
unplant packages/routing/src/planted-undeclared.ts

plant packages/grpc-api/src/planted-deep.ts "export { Journal } from '../../registrar/src/journal.js';"
check 'deep import' 'no-deep-import-packages-registrar' packages/grpc-api
unplant packages/grpc-api/src/planted-deep.ts

plant packages/sip-core/src/transport/planted-layer.ts "export type { TimerValues } from '../transaction/timers.js';"
check 'layer' 'layer-packages-sip-core-src-transport' packages/sip-core/src/transport
unplant packages/sip-core/src/transport/planted-layer.ts

plant packages/routing/src/planted-example.ts "export * from '../../../examples/parse-demo/src/main.js';"
check 'example import' 'no-example-import' packages/routing
unplant packages/routing/src/planted-example.ts

if [[ $failures -ne 0 ]]; then
  echo "the dependency check missed $failures planted violation(s)"
  exit 1
fi
echo 'the dependency check catches every planted violation'
