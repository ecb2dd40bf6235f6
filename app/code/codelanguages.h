// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

class QObject;
class QsciLexer;

namespace Cohort::Ui {

struct CodeLanguage
{
    QString id;          ///< stable, stored with a file ("python", "cpp", ...)
    QString name;        ///< shown to the user
    QStringList suffixes; ///< file name suffixes without the dot, lower case
};

/// The language modes of the Code pane, each a configured QScintilla lexer.
class CodeLanguages
{
    Q_DECLARE_TR_FUNCTIONS(Cohort::Ui::CodeLanguages)
public:
    static QString plainText();
    static QList<CodeLanguage> all();
    static const CodeLanguage *find(const QString &id);
    /// The language of a file by its suffix; plain text when none matches.
    static QString forFileName(const QString &fileName);
    /// A new lexer for the language, owned by `parent`; nullptr for plain text.
    static QsciLexer *createLexer(const QString &id, QObject *parent);
};

} // namespace Cohort::Ui
