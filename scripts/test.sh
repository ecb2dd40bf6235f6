#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# Sets up and runs every test: installs missing packages, builds with warnings as errors, and
# runs the Qt Test suites with ctest (widgets on the offscreen platform; the storage suite
# starts its own throwaway PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
cohort_install_deps
cmake --preset ci
cmake --build --preset ci
ctest --preset ci --parallel 2 "$@"
