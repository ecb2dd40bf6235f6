#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# Editing traces: runs cohort-bench-trace and yjs-trace.js on every trace, REPS times each,
# alternating engines, then prints the medians and the ratios (docs/benchmarks.md,
# "Editing traces"). Builds nothing: pass a Release or RelWithDebInfo build dir.
#
#   bench/collab/run-traces.sh BUILD_DIR [TRACES_DIR] [RESULTS.jsonl]
#   env: REPS=3
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

build=${1:?usage: run-traces.sh BUILD_DIR [TRACES_DIR] [RESULTS.jsonl]}
build=$(cd "$build" && pwd)
traces=${2:-/work/shared/bench-data/editing-traces}
results=${3:-$PWD/trace-results.jsonl}
bench_bin=$build/bin/cohort-bench-trace
[[ -x $bench_bin ]] || { echo "missing $bench_bin: build the cohort-bench-trace target" >&2; exit 2; }
if [[ ! -d $here/node_modules/yjs ]]; then
    (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
fi

machine_facts >&2
: >"$results"
mapfile -t files < <(find "$traces" -name '*.json.gz' -not -path '*/ascii_only/*' | sort)
for file in "${files[@]}"; do
    for rep in $(seq 1 "${REPS:-3}"); do
        "$bench_bin" "$file" | tee -a "$results"
        node --expose-gc "$here/yjs-trace.js" "$file" | tee -a "$results"
    done
done
node "$here/summarize-traces.js" "$results"
