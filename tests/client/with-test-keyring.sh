#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
# Usage (inside dbus-run-session): with-test-keyring.sh GNOME_KEYRING_DAEMON TEST [ARGS...]
# Starts a throwaway, unlocked gnome-keyring in a temporary home so the test never sees the
# developer's keyring, runs the test, and stops the daemon.
set -eu
daemon=$1
shift
home=$(mktemp -d)
trap 'kill "${GNOME_KEYRING_PID:-}" 2>/dev/null || true; rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf 'cohort-test\n' | "$daemon" --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL GNOME_KEYRING_PID
"$@"
