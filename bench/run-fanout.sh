#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# Room fan-out: cohort-server against the Node `ws` baseline, in one sitting, alternating
# (cohort, ws, cohort, ws, ...), REPS repetitions of every size and mode. Each run gets a fresh
# server process so its idle RSS is a clean reference. Builds nothing: pass a Release build dir.
#
#   bench/run-fanout.sh BUILD_DIR [RESULTS.jsonl]
#   env: REPS=3  SIZES="100 1000 5000"  MODES="burst paced"  DEADLINE_MIN=20
#        COHORT_SERVER_ENV="NAME=VALUE ..." runs cohort-server with extra environment variables
#        CONTROL_BUILD=DIR also runs DIR's cohort-server, as server "cohort-control", in the
#          alternation (cohort, cohort-control, ws, ...): e.g. a build from before a change,
#          so that the change and the machine's mood of the day are not confused
#
# Prints the machine facts, appends one JSON line per run to RESULTS, then the summary tables
# (bench/summarize-fanout.js).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

build=${1:?usage: run-fanout.sh BUILD_DIR [RESULTS.jsonl]}
build=$(cd "$build" && pwd)
results=${2:-$PWD/fanout-results.jsonl}
reps=${REPS:-3}
sizes=${SIZES:-100 1000 5000}
modes=${MODES:-burst paced}
deadline=$(( $(date +%s) + ${DEADLINE_MIN:-20} * 60 ))

server_bin=$build/bin/cohort-server
harness=$build/bin/cohort-bench-fanout
servers="cohort ws"
control_bin=
if [[ -n ${CONTROL_BUILD:-} ]]; then
    control_bin=$(cd "$CONTROL_BUILD" && pwd)/bin/cohort-server
    servers="cohort cohort-control ws"
fi
for bin in "$server_bin" "$harness" $control_bin; do
    [[ -x $bin ]] || { echo "missing $bin: build the cohort-server and cohort-bench-fanout targets" >&2; exit 2; }
done
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")
[[ $build_type == Release ]] || echo "warning: $build is a '$build_type' build; measure a Release build" >&2
if [[ ! -d $here/ws-baseline/node_modules/ws ]]; then
    (cd "$here/ws-baseline" && npm ci --no-audit --no-fund >/dev/null)
fi

ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/cohort-fanout.XXXXXX)
SERVER_PID=
cleanup() {
    [[ -n $SERVER_PID ]] && stop_server "$SERVER_PID"
    rm -rf "$work"
}
trap cleanup EXIT

write_cohort_config "$work/cohort.ini" "$work/data" \
    'max_connections = 20000' 'max_connections_per_address = 20000' \
    'requests_per_second = 100000' 'request_burst = 100000'
# One account sends every message; the per-user chat rate limit (60 a minute) would throttle it.
printf '\n[chat]\nmessages_per_minute = 100000\n' >>"$work/cohort.ini"
create_bench_account "$server_bin" "$work/data" bench instructor

# Per size: burst sends about 500,000 deliveries as fast as the window allows; paced keeps
# 10,000 deliveries per second (rate = 10000 / N messages per second) for 10 seconds, a load
# both servers and the load generator carry on two cores without queueing.
burst_messages() { echo $(( 500000 / $1 )); }
paced_rate() { echo $(( 10000 / $1 )); }

machine_facts | tee "$work/machine.txt" >&2
echo "commit: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)" >&2
[[ -z $control_bin ]] || echo "control: $control_bin" >&2
echo "results: $results" >&2

run_one() { # SERVER SIZE MODE REP
    local server=$1 n=$2 mode=$3 rep=$4 port args line
    port=$(free_port)
    if [[ $server == cohort* ]]; then
        local bin=$server_bin
        [[ $server == cohort-control ]] && bin=$control_bin
        start_cohort "$bin" "$work/cohort.ini" "$port" "$work/cohort.log" || { echo "$server did not start" >&2; tail -5 "$work/cohort.log" >&2; return 1; }
    else
        start_ws_baseline "$here/ws-baseline" "$port" "$work/ws.log" || { echo "ws baseline did not start" >&2; return 1; }
    fi
    args=(--url "ws://127.0.0.1:$port/" --server-pid "$SERVER_PID" --server-name "$server"
          --clients "$n" --senders 10 --mode "$mode" --username bench --password "$BENCH_PASSWORD" --timeout 150)
    if [[ $mode == burst ]]; then
        args+=(--messages "$(burst_messages "$n")" --window 4)
    else
        args+=(--messages "$(( $(paced_rate "$n") * 10 ))" --rate "$(paced_rate "$n")")
    fi
    line=$("$harness" "${args[@]}" 2>>"$work/harness.log") || true
    stop_server "$SERVER_PID"
    SERVER_PID=
    [[ -n $line ]] || line="{\"server\":\"$server\",\"clients\":$n,\"mode\":\"$mode\",\"error\":\"harness printed nothing\"}"
    if [[ $server == cohort* && -n ${COHORT_SERVER_ENV:-} ]]; then
        line="{\"serverEnv\":\"$COHORT_SERVER_ENV\",${line#\{}"
    fi
    line="{\"rep\":$rep,\"loadAverage\":$(cut -d' ' -f1 /proc/loadavg),${line#\{}"
    echo "$line" >>"$results"
    echo "$line" >&2
}

for rep in $(seq 1 "$reps"); do
    for n in $sizes; do
        for mode in $modes; do
            for server in $servers; do
                if (( $(date +%s) > deadline )); then
                    echo "deadline reached; stopping before rep $rep $server N=$n $mode" >&2
                    break 4
                fi
                run_one "$server" "$n" "$mode" "$rep"
            done
        done
    done
done

node "$here/summarize-fanout.js" "$results"
