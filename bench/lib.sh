# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# Shared by run-fanout.sh and run-signin-storm.sh: start and stop the servers under test.
# Every server listens on 127.0.0.1 only and is stopped by the pid this shell started.

BENCH_PASSWORD=${BENCH_PASSWORD:-bench-password-0123}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_port PORT PID: until something accepts on 127.0.0.1:PORT (10 s at most).
wait_for_port() {
    local port=$1 pid=$2 i
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# stop_server PID: SIGTERM, then SIGKILL after 10 s.
stop_server() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# write_cohort_config FILE DATA_DIR [extra INI lines for [limits]]
write_cohort_config() {
    local file=$1 data=$2
    shift 2
    {
        printf '[server]\nlisten = 127.0.0.1\ndata_dir = %s\n\n[http]\nenabled = false\n\n' "$data"
        printf '[log]\nlevel = warning\n\n[limits]\n'
        printf '%s\n' "$@"
    } >"$file"
}

# create_bench_account SERVER_BIN DATA_DIR USERNAME ROLE
create_bench_account() {
    printf '%s\n' "$BENCH_PASSWORD" | "$1" user add "$3" --role "$4" --password-stdin --data-dir "$2" >/dev/null
}

# start_cohort SERVER_BIN CONFIG PORT LOG: sets SERVER_PID. COHORT_SERVER_ENV adds environment
# variables for an experiment, e.g. COHORT_SERVER_ENV=QT_NO_GLIB=1.
start_cohort() {
    # shellcheck disable=SC2086 # the variable holds zero or more NAME=VALUE words
    env ${COHORT_SERVER_ENV:-} "$1" --config "$2" --port "$3" --no-http >>"$4" 2>&1 &
    SERVER_PID=$!
    wait_for_port "$3" "$SERVER_PID"
}

# start_ws_baseline DIR PORT LOG: sets SERVER_PID.
start_ws_baseline() {
    node "$1/server.js" --port "$2" >>"$3" 2>&1 &
    SERVER_PID=$!
    wait_for_port "$2" "$SERVER_PID"
}

machine_facts() {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel: $(uname -r)"
    echo "qt: $(qtpaths6 --qt-version 2>/dev/null || echo unknown)"
    echo "node: $(node --version 2>/dev/null || echo none)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
