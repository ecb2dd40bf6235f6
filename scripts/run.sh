#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# Sets up and starts the Cohort desktop app: installs missing packages, builds a release, and
# runs it. "Host a class on this computer" in the sign-in dialog starts the built-in server
# with an embedded SQLite database. Arguments are passed to the app (e.g. --self-test).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
cohort_install_deps
cmake --preset release
cmake --build --preset release
exec build/release/bin/cohort "$@"
