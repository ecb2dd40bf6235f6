// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QtGlobal>

class QsciScintillaBase;

namespace Cohort::Ui {

/// Converts between Scintilla positions (UTF-8 bytes, SC_CP_UTF8) and engine positions
/// (UTF-16 code units, like QString). It asks Scintilla to keep a per-line UTF-16 index, so
/// one conversion costs a line lookup plus a scan inside one line (none in an ASCII line), not
/// a scan of the document.
class PositionMap
{
public:
    explicit PositionMap(QsciScintillaBase *editor);
    ~PositionMap();
    PositionMap(const PositionMap &) = delete;
    PositionMap &operator=(const PositionMap &) = delete;

    qsizetype toUtf16(qsizetype bytePosition) const;
    qsizetype toBytes(qsizetype utf16Position) const;

private:
    struct Line
    {
        qsizetype start = 0; ///< in bytes
        qsizetype index = 0; ///< in UTF-16 units
        qsizetype units = 0; ///< the line's length in UTF-16 units, its line break included
        bool ascii = false;
    };
    Line lineAt(long line) const;

    QsciScintillaBase *m_editor;
};

} // namespace Cohort::Ui
