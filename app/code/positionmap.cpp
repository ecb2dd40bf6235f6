// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "positionmap.h"

#include "qscintilla.h"

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
    const auto line = static_cast<unsigned long>(
        m_editor->SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, position));
    const auto lineStart = static_cast<unsigned long>(
        m_editor->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, line));
    return m_editor->SendScintilla(QsciScintillaBase::SCI_INDEXPOSITIONFROMLINE, line, kUtf16)
        + m_editor->SendScintilla(QsciScintillaBase::SCI_COUNTCODEUNITS, lineStart, long(position));
}

qsizetype PositionMap::toBytes(qsizetype utf16Position) const
{
    const auto line = static_cast<unsigned long>(m_editor->SendScintilla(
        QsciScintillaBase::SCI_LINEFROMINDEXPOSITION, static_cast<unsigned long>(utf16Position), kUtf16));
    const auto lineStart = static_cast<unsigned long>(
        m_editor->SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, line));
    const long lineIndex = m_editor->SendScintilla(QsciScintillaBase::SCI_INDEXPOSITIONFROMLINE, line, kUtf16);
    return m_editor->SendScintilla(QsciScintillaBase::SCI_POSITIONRELATIVECODEUNITS, lineStart,
                                   long(utf16Position - lineIndex));
}

} // namespace Cohort::Ui
