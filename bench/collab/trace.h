// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace Cohort::Bench {

/// One editing trace of github.com/josephg/editing-traces (see the data folder's README).
struct Trace
{
    struct Patch
    {
        qsizetype position = 0; // code points
        qsizetype removed = 0;  // code points
        QString inserted;
    };
    struct Txn
    {
        QList<int> parents; // concurrent traces only
        int agent = 0;
        std::vector<Patch> patches;
    };

    bool concurrent = false;
    int agents = 1;
    QString endContent;
    std::vector<Txn> txns;
    /// Whether any text lies outside the BMP, so code points and UTF-16 units differ.
    bool astral = false;
};

/// Reads a gzipped JSON trace; on failure returns nothing and sets `error`.
std::optional<Trace> loadTrace(const QString &path, QString *error);

/// The UTF-16 index of code point `codePoint` in `text`.
qsizetype utf16Index(const QString &text, qsizetype codePoint);

} // namespace Cohort::Bench
