#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# Sign-in storm: times Argon2id verification with the server's defaults, then starts
# cohort-server with its default limits (HTTP off) and fires STORM sign-ins at once while
# CHATTERS clients chat in a room. Builds nothing: pass a Release build dir.
#
#   bench/run-signin-storm.sh BUILD_DIR [RESULTS.jsonl]
#   env: REPS=1  STORM=500  CHATTERS=20  CHAT_RATE=20
#        HASH_THREADS=N sets [accounts] hash_threads (default: the server's, cores - 1)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

build=${1:?usage: run-signin-storm.sh BUILD_DIR [RESULTS.jsonl]}
build=$(cd "$build" && pwd)
results=${2:-$PWD/signin-storm-results.jsonl}

server_bin=$build/bin/cohort-server
storm_bin=$build/bin/cohort-bench-signin-storm
for bin in "$server_bin" "$storm_bin"; do
    [[ -x $bin ]] || { echo "missing $bin: build the cohort-server and cohort-bench-signin-storm targets" >&2; exit 2; }
done

ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/cohort-storm.XXXXXX)
SERVER_PID=
cleanup() {
    [[ -n $SERVER_PID ]] && stop_server "$SERVER_PID"
    rm -rf "$work"
}
trap cleanup EXIT

# Default limits: the storm must hold up under the configuration a school runs.
write_cohort_config "$work/cohort.ini" "$work/data"
if [[ -n ${HASH_THREADS:-} ]]; then
    printf '\n[accounts]\nhash_threads = %s\n' "$HASH_THREADS" >>"$work/cohort.ini"
fi
create_bench_account "$server_bin" "$work/data" bench instructor
machine_facts >&2

for rep in $(seq 1 "${REPS:-1}"); do
    port=$(free_port)
    start_cohort "$server_bin" "$work/cohort.ini" "$port" "$work/cohort.log" \
        || { echo "cohort-server did not start" >&2; tail -5 "$work/cohort.log" >&2; exit 1; }
    line=$("$storm_bin" --url "ws://127.0.0.1:$port/" --server-pid "$SERVER_PID" \
        --username bench --password "$BENCH_PASSWORD" --storm "${STORM:-500}" \
        --chatters "${CHATTERS:-20}" --chat-rate "${CHAT_RATE:-20}" --timeout 240 2>>"$work/storm.log") || true
    stop_server "$SERVER_PID"
    SERVER_PID=
    [[ -n $line ]] || line='{"error":"the storm bench printed nothing"}'
    line="{\"rep\":$rep,\"hashThreads\":\"${HASH_THREADS:-default}\",${line#\{}"
    echo "$line" >>"$results"
    echo "$line"
done
