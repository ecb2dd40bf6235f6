#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# The chat benchmarks (docs/benchmarks.md, "Chat"), in one sitting:
#   open      a room of 100,000 messages in the Chat pane vs the same first page over the bare protocol
#   search    message.search over 1,000,000 messages vs the same SQL run directly on the file
#   delivery  1,000 clients in one room (cohort-bench-fanout, paced, Cohort and the ws baseline
#             alternating) and 50 rooms of 30 clients (cohort-bench-chat-rooms)
# The two databases are populated once through the server's storage and kept under
# BUILD_DIR/chat-data/ (the 1M one takes several minutes); later runs reuse them.
#
#   bench/chat/run-chat.sh BUILD_DIR [RESULTS.jsonl]
#   env: REPS=3  PARTS="open search delivery"  SERVER_BUILD=DIR (cohort-server from another build,
#        e.g. a Release one; default BUILD_DIR)  SEARCH_MESSAGES=1000000  OPEN_MESSAGES=100000
#        ROOM_PROCESSES=5 (load-generator processes the 50 rooms of 30 are spread over)
#
# Builds nothing. Every server listens on 127.0.0.1 and is stopped by the pid this script started.
# Prints the machine facts, appends JSON lines to RESULTS, then the medians and ratios
# (summarize-chat.js).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
. "$bench/lib.sh"

build=${1:?usage: run-chat.sh BUILD_DIR [RESULTS.jsonl]}
build=$(cd "$build" && pwd)
results=${2:-$PWD/chat-results.jsonl}
reps=${REPS:-3}
parts=${PARTS:-open search delivery}
room_processes=${ROOM_PROCESSES:-5}
server_build=$(cd "${SERVER_BUILD:-$build}" && pwd)
server_bin=$server_build/bin/cohort-server
search_messages=${SEARCH_MESSAGES:-1000000}
open_messages=${OPEN_MESSAGES:-100000}
data=$build/chat-data

for bin in "$server_bin" "$build/bin/cohort-bench-chat-populate"; do
    [[ -x $bin ]] || { echo "missing $bin: build cohort-server and the cohort-bench-chat-* targets" >&2; exit 2; }
done
server_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$server_build/CMakeCache.txt")
[[ $server_type == Release ]] || echo "note: cohort-server is a '$server_type' build" >&2
if [[ ! -d $bench/ws-baseline/node_modules/ws ]]; then
    (cd "$bench/ws-baseline" && npm ci --no-audit --no-fund >/dev/null)
fi

ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/cohort-chat.XXXXXX)
SERVER_PID=
cleanup() {
    [[ -n $SERVER_PID ]] && stop_server "$SERVER_PID"
    rm -rf "$work"
}
trap cleanup EXIT

# chat_config FILE DATA_DIR: the fan-out INI plus a message rate limit no benchmark reaches (every
# client is the one bench account) and cheap password hashing (dozens of sign-ins set up the
# delivery runs; hashing is the sign-in storm benchmark's subject, not this one's).
chat_config() {
    write_cohort_config "$1" "$2" \
        'max_connections = 20000' 'max_connections_per_address = 20000' \
        'requests_per_second = 100000' 'request_burst = 100000'
    printf '\n[chat]\nmessages_per_minute = 100000\n\n[accounts]\nargon2_ops_limit = 1\nargon2_mem_limit = 8192\n' >>"$1"
}

# prepare_data NAME MESSAGES ROOMS SENDERS [--lobby]: a data dir with the bench account and the corpus.
prepare_data() {
    local dir=$data/$1
    mkdir -p "$dir"
    chat_config "$dir/cohort.ini" "$dir"
    if [[ ! -f $dir/cohort.sqlite ]]; then
        printf '%s\n' "$BENCH_PASSWORD" | "$server_bin" --config "$dir/cohort.ini" user add bench --role instructor --password-stdin >/dev/null
    fi
    echo "populating $dir ($2 messages; once)" >&2
    "$build/bin/cohort-bench-chat-populate" --db "$dir/cohort.sqlite" --messages "$2" --rooms "$3" --senders "$4" ${5:-} \
        | record "populate-$1"
}

# record PART: stamps each JSON line from stdin with the part, rep and load, appends it to RESULTS.
record() {
    local line
    while IFS= read -r line; do
        [[ $line == \{* ]] || continue
        line="{\"part\":\"$1\",\"rep\":${REP:-0},\"loadAverage\":$(cut -d' ' -f1 /proc/loadavg),${line#\{}"
        echo "$line" >>"$results"
        echo "$line" >&2
    done
}

serve_cohort() { # DATA_DIR
    local port
    port=$(free_port)
    start_cohort "$server_bin" "$1/cohort.ini" "$port" "$work/cohort.log" \
        || { echo "cohort-server did not start" >&2; tail -5 "$work/cohort.log" >&2; exit 1; }
    URL=ws://127.0.0.1:$port/
}

stop() {
    stop_server "$SERVER_PID"
    SERVER_PID=
}

machine_facts | tee "$work/machine.txt" >&2
echo "commit: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)" >&2
echo "cohort-server: $server_bin ($server_type)" >&2
echo "results: $results" >&2

for part in $parts; do
    case $part in
    open)
        [[ -x $build/bin/cohort-bench-chat-open ]] || { echo "missing cohort-bench-chat-open (an app build)" >&2; exit 2; }
        prepare_data open "$open_messages" 1 20 --lobby
        serve_cohort "$data/open"
        REP=0 QT_QPA_PLATFORM=offscreen "$build/bin/cohort-bench-chat-open" --url "$URL" --password "$BENCH_PASSWORD" \
            --reps "$reps" --pages 20 | record open
        stop
        ;;
    search)
        prepare_data search "$search_messages" 10 50
        serve_cohort "$data/search"
        for rep in $(seq 1 "$reps"); do
            "$build/bin/cohort-bench-chat-search" --url "$URL" --password "$BENCH_PASSWORD" \
                --db "$data/search/cohort.sqlite" --reps 20 | REP=$rep record search
        done
        stop
        ;;
    delivery)
        # A fresh data dir per run, as run-fanout.sh does.
        for rep in $(seq 1 "$reps"); do
            for server in cohort ws; do
                rm -rf "$work/delivery"
                mkdir -p "$work/delivery"
                port=$(free_port)
                if [[ $server == cohort ]]; then
                    chat_config "$work/delivery.ini" "$work/delivery"
                    printf '%s\n' "$BENCH_PASSWORD" | "$server_bin" --config "$work/delivery.ini" user add bench --role instructor --password-stdin >/dev/null
                    start_cohort "$server_bin" "$work/delivery.ini" "$port" "$work/cohort.log" || { echo "cohort-server did not start" >&2; exit 1; }
                else
                    start_ws_baseline "$bench/ws-baseline" "$port" "$work/ws.log" || { echo "ws baseline did not start" >&2; exit 1; }
                fi
                # 1,000 clients in one room: run-fanout.sh's paced shape at N = 1,000 (10 senders,
                # 10 messages per second for 10 s: 10,000 deliveries per second).
                "$build/bin/cohort-bench-fanout" --url "ws://127.0.0.1:$port/" --server-pid "$SERVER_PID" \
                    --server-name "$server" --clients 1000 --senders 10 --mode paced --rate 10 --messages 100 \
                    --username bench --password "$BENCH_PASSWORD" --timeout 150 2>>"$work/harness.log" \
                    | REP=$rep record delivery-1000
                stop
            done
            # 50 rooms of 30: the ws baseline has a single room, so Cohort only.
            rm -rf "$work/delivery"
            mkdir -p "$work/delivery"
            chat_config "$work/delivery.ini" "$work/delivery"
            printf '%s\n' "$BENCH_PASSWORD" | "$server_bin" --config "$work/delivery.ini" user add bench --role instructor --password-stdin >/dev/null
            port=$(free_port)
            start_cohort "$server_bin" "$work/delivery.ini" "$port" "$work/cohort.log" || { echo "cohort-server did not start" >&2; exit 1; }
            "$build/bin/cohort-bench-chat-rooms" --url "ws://127.0.0.1:$port/" --server-pid "$SERVER_PID" \
                --rooms 50 --clients 30 --senders 3 --rate 2 --seconds 30 --processes "$room_processes" \
                --password "$BENCH_PASSWORD" \
                2>>"$work/harness.log" | REP=$rep record delivery-50x30
            stop
        done
        ;;
    *)
        echo "unknown part $part" >&2
        exit 2
        ;;
    esac
done

node "$here/summarize-chat.js" "$results"
