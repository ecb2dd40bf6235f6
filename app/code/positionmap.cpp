// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "positionmap.h"

#include "qscintilla.h"

#include <algorithm>

namespace Cohort::Ui {

namespace {
constexpr long kUtf16 = QsciScintillaBase::SC_LINECHARACTERINDEX_UTF16;
}

PositionMap::PositionMap(QsciScintillaBase *editor)
    : m_editor(editor)
{
    m_editor->SendScintilla(QsciScintillaBase::SCI_ALLOCATELINECHARACTERINDEX, kUtf16);
}

PositionMap::~PositionMap()
{
    m_editor->SendScintilla(QsciScintillaBase::SCI_RELEASELINECHARACTERINDEX, kUtf16);
}

qsizetype PositionMap::toUtf16(qsizetype bytePosition) const
{
    const auto position = static_cast<unsigned long>(bytePosition);
    const Line line = lineAt(m_editor->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, position));
    if (line.ascii)
        return line.index + (bytePosition - line.start);
    return line.index + m_editor->SendScintilla(QsciScintillaBase::SCI_COUNTCODEUNITS,
                                                static_cast<unsigned long>(line.start), long(position));
}

qsizetype PositionMap::toBytes(qsizetype utf16Position) const
{
    const Line line = lineAt(m_editor->SendScintilla(QsciScintillaBase::SCI_LINEFROMINDEXPOSITION,
                                                     static_cast<unsigned long>(std::max<qsizetype>(utf16Position, 0)),
                                                     kUtf16));
    // Past the end of the text is its end (Scintilla would answer 0).
    const qsizetype offset = std::clamp<qsizetype>(utf16Position - line.index, 0, line.units);
    if (line.ascii)
        return line.start + offset;
    return m_editor->SendScintilla(QsciScintillaBase::SCI_POSITIONRELATIVECODEUNITS,
                                   static_cast<unsigned long>(line.start), long(offset));
}

PositionMap::Line PositionMap::lineAt(long line) const
{
    // A line as long in bytes as in UTF-16 units is ASCII: positions in it need no scan, which
    // matters for minified files of one long line.
    const auto number = static_cast<unsigned long>(line);
    Line result;
    result.start = m_editor->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, number);
    result.index = m_editor->SendScintilla(QsciScintillaBase::SCI_INDEXPOSITIONFROMLINE, number, kUtf16);
    const qsizetype bytes = m_editor->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, number + 1) - result.start;
    result.units
        = m_editor->SendScintilla(QsciScintillaBase::SCI_INDEXPOSITIONFROMLINE, number + 1, kUtf16) - result.index;
    result.ascii = bytes == result.units;
    return result;
}

} // namespace Cohort::Ui
