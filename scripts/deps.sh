#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: Cohort developers
#
# Installs what building, running and testing Cohort needs on Debian 12 / Ubuntu 24.04.
# Sourced by run.sh and test.sh; installs only what is missing.
set -euo pipefail

COHORT_PACKAGES=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-httpserver-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev qt6-translations-l10n
    libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 qt6-qpa-plugins libgl-dev
    qtkeychain-qt6-dev libsodium-dev libqscintilla2-qt6-dev zlib1g-dev libzip-dev
    postgresql openssl dbus-daemon gnome-keyring nodejs node-ws fonts-noto-color-emoji
)

cohort_install_deps() {
    local missing=()
    for pkg in "${COHORT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    echo "Installing: ${missing[*]}"
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}
