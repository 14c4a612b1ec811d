#!/usr/bin/env bash
# scripts/check-layers must fail on an include that points up the graph, and on a folder
# of src/ that is not in the graph, and on output in src/app/, and pass on a tree whose
# includes point down.
set -euo pipefail
check="$1/scripts/check-layers"
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/src/traits" "$tree/include/zcdp/expr"
printf '#include "zcdp/expr/ir.h"\n#include "identity/x.h"\n' >"$tree/src/traits/a.cc"
printf '#include "zcdp/common/status.h"\n' >"$tree/include/zcdp/expr/ir.h"
"$check" "$tree" >/dev/null || { echo "a downward tree was refused"; exit 1; }
printf '#include "zcdp/audiences/compile.h"\n' >"$tree/src/traits/b.cc"
if out="$("$check" "$tree")"; then echo "traits -> audiences was accepted"; exit 1; fi
grep -q "src/traits/b.cc:1: stage 'traits' includes 'audiences'" <<<"$out" ||
  { echo "unexpected message: $out"; exit 1; }
rm "$tree/src/traits/b.cc"
printf '#include "zcdp/run/pipeline.h"\n' >"$tree/include/zcdp/expr/ir.h"
if "$check" "$tree" >/dev/null; then echo "a public header of expr including run was accepted"; exit 1; fi
printf '#include "zcdp/common/status.h"\n' >"$tree/include/zcdp/expr/ir.h"
mkdir -p "$tree/src/realtime"
if out="$("$check" "$tree")"; then echo "an unknown stage folder was accepted"; exit 1; fi
grep -q "src/realtime/: a stage missing" <<<"$out" || { echo "unexpected message: $out"; exit 1; }
rmdir "$tree/src/realtime"
mkdir -p "$tree/src/app"
printf 'int F() { return 1; }  // printf is fine in a comment\n' >"$tree/src/app/ok.cc"
"$check" "$tree" >/dev/null || { echo "an app file without output was refused"; exit 1; }
printf 'void F() { std::fprintf(stderr, "x"); }\n' >"$tree/src/app/p.cc"
if out="$("$check" "$tree")"; then echo "printing in src/app was accepted"; exit 1; fi
grep -q "src/app/p.cc:1: the app layer prints" <<<"$out" || { echo "unexpected message: $out"; exit 1; }
echo "check-layers refuses upward includes, unknown stages and output in the app layer"
