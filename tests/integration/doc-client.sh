#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# Runs the Node.js client printed in docs/protocol.md, unchanged, against a real cohort-server:
# the protocol document alone must be enough for a third-party client. Runs it twice to check
# that the documented idempotent send posts once.
# Usage: doc-client.sh COHORT_SERVER_BIN PROTOCOL_MD
set -euo pipefail
server_bin=$1
protocol_md=$2

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# The first ```js block after "## A minimal client".
awk '/^## A minimal client/ {in_section=1} in_section && /^```js$/ {in_code=1; next}
     in_code && /^```$/ {exit} in_code {print}' "$protocol_md" > "$work/client.js"
grep -q "require('ws')" "$work/client.js"

printf 'correct horse\n' | "$server_bin" user add ana --role instructor --display-name "Ana Lima" \
    --password-stdin --data-dir "$work/data" > /dev/null
"$server_bin" --data-dir "$work/data" --listen 127.0.0.1 --port 0 --no-http > "$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on wss\?://[^:]*:\([0-9]*\)/.*|\1|p' "$work/server.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "cohort-server did not start:"; cat "$work/server.log"; exit 1
fi

export COHORT_URL="ws://127.0.0.1:$port/"
first=$(cd "$work" && timeout 30 node client.js)
echo "$first"
second=$(cd "$work" && timeout 30 node client.js)
echo "$second"

echo "$first" | grep -Eq '^[0-9]+ 1 message.created .*"text":"Hello"'
echo "$first" | grep -q '^sent as seq 1$'
echo "$second" | grep -q '^sent as seq 1$'
# The second run replays the room from the start: still exactly one message.
test "$(echo "$second" | grep -c 'message.created')" -eq 1
echo "doc client ok"
