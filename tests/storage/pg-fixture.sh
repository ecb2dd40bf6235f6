#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# A throwaway PostgreSQL for the storage tests, run by ctest as a fixture.
#
#   pg-fixture.sh start DIR   initdb a cluster, start postgres on a Unix socket only, create the
#                             database cohort_test and write its parameters to DIR/connection.ini
#   pg-fixture.sh restart DIR restart that postgres (every client connection is dropped)
#   pg-fixture.sh stop DIR    stop that postgres and delete the cluster and DIR
#
# PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to the `postgres` system
# user. The server listens on no TCP port, so runs in different build dirs never collide; the
# random port number only names the socket. Set COHORT_PG_BINDIR to use other binaries.
set -euo pipefail

usage() { echo "usage: $0 start|restart|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$2

find_bindir() {
    if [[ -n ${COHORT_PG_BINDIR:-} ]]; then echo "$COHORT_PG_BINDIR"; return; fi
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n $newest && -x $newest/initdb ]]; then echo "$newest"; return; fi
    if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; return; fi
    echo "pg-fixture: PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
    exit 1
}

if [[ $(id -u) -eq 0 ]]; then
    run_as=(runuser -u postgres --)
    db_user=postgres
else
    run_as=()
    db_user=$(id -un)
fi

stop() {
    [[ -f $dir/cluster.path ]] || { rm -rf "$dir"; return 0; }
    local cluster bindir
    cluster=$(cat "$dir/cluster.path")
    bindir=$(find_bindir)
    if [[ -f $cluster/data/postmaster.pid ]]; then
        "${run_as[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$cluster" "$dir"
}

# A cluster inside the build tree, unless the postgres user cannot reach it there (a build dir
# under /root) or its socket path would pass the 107-byte limit of Unix sockets.
make_cluster_dir() {
    local cluster=$dir/cluster
    mkdir -p "$cluster"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$cluster"; fi
    if (( ${#cluster} > 80 )) || ! "${run_as[@]}" test -w "$cluster"; then
        rm -rf "$cluster"
        cluster=$(mktemp -d /tmp/cohort-pg.XXXXXX)
        if [[ $(id -u) -eq 0 ]]; then chown postgres: "$cluster"; fi
    fi
    echo "$cluster"
}

start() {
    local bindir cluster port started=0
    bindir=$(find_bindir)
    stop  # a run killed before its cleanup left a cluster running: replace it
    mkdir -p "$dir"
    cluster=$(make_cluster_dir)
    echo "$cluster" > "$dir/cluster.path"

    # C.UTF-8: code-point collation as with C, and a ctype that lowercases every script, as a
    # production UTF-8 locale does (full-text search folds case with it).
    if ! "${run_as[@]}" "$bindir/initdb" -D "$cluster/data" -U "$db_user" -A trust -E UTF8 \
            --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        echo "pg-fixture: initdb failed" >&2
        exit 1
    fi
    for _ in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        if "${run_as[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/postgres.log" -w -t 60 \
                -o "-p $port -k $cluster -c listen_addresses='' -c fsync=off -c full_page_writes=off" \
                start >/dev/null; then
            started=1
            break
        fi
    done
    if (( ! started )); then
        cat "$cluster/postgres.log" >&2 || true
        echo "pg-fixture: postgres did not start" >&2
        exit 1
    fi
    "${run_as[@]}" "$bindir/createdb" -h "$cluster" -p "$port" -U "$db_user" cohort_test
    cat > "$dir/connection.ini" <<INI
[postgresql]
host=$cluster
port=$port
name=cohort_test
user=$db_user
INI
    echo "pg-fixture: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $cluster port $port"
}

restart() {
    local cluster
    cluster=$(cat "$dir/cluster.path")
    "${run_as[@]}" "$(find_bindir)/pg_ctl" -D "$cluster/data" -m fast -w -t 60 restart >/dev/null
}

case $action in
    start) start ;;
    restart) restart ;;
    stop) stop ;;
    *) usage ;;
esac
