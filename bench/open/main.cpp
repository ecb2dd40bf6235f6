// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-open: time to interactive when a participant opens a large file with a long
// history. The document is built by replaying many small edits (typing with corrections),
// encoded with encodeState() as the server would send it, then each run decodes it, loads it
// into a CollabEditor and paints the editor once; then keystrokes in the middle of the file
// measure the first edit and steady typing (local edit to the update for the network).
// The baseline, run side by side in the same process: a plain QsciScintilla with the same
// lexer taking the same text with setText(), without the engine.
// Prints one JSON line. Usage: cohort-bench-open [--bytes N] [--runs N] [--seed N]
#include "collabeditor.h"
#include "qscintilla.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace Cohort;

namespace {

double elapsedMs(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

/// Types `targetBytes` of code-like text the way a person does: short runs at a caret that
/// mostly moves forward, sometimes jumps, and one edit in seven deletes a few characters.
Collab::Document buildHistory(qsizetype targetBytes, quint32 seed, qsizetype *edits)
{
    std::mt19937 random(seed);
    const QStringList words = {QStringLiteral("int "), QStringLiteral("value"), QStringLiteral(" = "),
                               QStringLiteral("return "), QStringLiteral("(x, y)"), QStringLiteral(";\n"),
                               QStringLiteral("    "), QStringLiteral("for (auto &item : items) {\n"),
                               QStringLiteral("}\n"), QStringLiteral("// café 中文 😀\n"), QStringLiteral("name")};
    Collab::Document document(Collab::Document::randomAgent());
    qsizetype caret = 0;
    *edits = 0;
    while (document.length() < targetBytes) {
        if (random() % 50 == 0)
            caret = qsizetype(random() % quint32(document.length() + 1));
        if (random() % 7 == 0 && caret > 0) {
            const qsizetype count = std::min(caret, qsizetype(1 + random() % 6));
            document.remove(caret - count, count);
            caret -= count;
        } else {
            const QString &word = words.at(qsizetype(random() % quint32(words.size())));
            document.insert(caret, word);
            caret = std::min(document.length(), caret + word.size());
        }
        ++*edits;
    }
    return document;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("bytes"), QStringLiteral("Document size in UTF-16 units."), QStringLiteral("n"),
                      QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Timed opens."), QStringLiteral("n"), QStringLiteral("7")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Random seed."), QStringLiteral("n"), QStringLiteral("1")});
    parser.process(app);

    qsizetype edits = 0;
    const Collab::Document source = buildHistory(parser.value(QStringLiteral("bytes")).toLongLong(),
                                                 parser.value(QStringLiteral("seed")).toUInt(), &edits);
    const QByteArray state = source.encodeState();

    QList<double> decodeMs, loadMs, paintMs, totalMs, firstKeystrokeMs, keystrokeMs;
    QList<double> baselineMs, baselineKeystrokeMs;
    const QString text = source.text();
    const int runs = std::max(1, parser.value(QStringLiteral("runs")).toInt());
    for (int run = 0; run < runs; ++run) {
        {
            QsciScintilla plain;
            QsciLexerCPP lexer;
            plain.setLexer(&lexer);
            plain.resize(1000, 700);
            plain.show();
            QApplication::processEvents();
            QElapsedTimer timer;
            timer.start();
            plain.setText(text);
            plain.viewport()->repaint();
            baselineMs.append(elapsedMs(timer));
            const int middle = plain.lines() / 2;
            plain.setCursorPosition(middle, 0);
            for (int key = 0; key < 20; ++key) {
                timer.restart();
                plain.insert(QStringLiteral("y"));
                plain.setCursorPosition(middle, key + 1);
                baselineKeystrokeMs.append(elapsedMs(timer));
            }
        }

        Ui::CollabEditor editor;
        editor.setLanguage(QStringLiteral("cpp"));
        editor.resize(1000, 700);
        editor.show();
        QApplication::processEvents();

        QElapsedTimer total;
        total.start();
        QElapsedTimer phase;
        phase.start();
        std::optional<Collab::Document> document = Collab::Document::decode(Collab::Document::randomAgent(), state);
        if (!document) {
            std::fprintf(stderr, "decode failed\n");
            return 1;
        }
        decodeMs.append(elapsedMs(phase));
        phase.restart();
        editor.setDocument(std::move(*document));
        loadMs.append(elapsedMs(phase));
        phase.restart();
        editor.viewport()->repaint();
        paintMs.append(elapsedMs(phase));
        totalMs.append(elapsedMs(total));

        // The first keystroke in the middle of the file, to the update for the network.
        editor.setLocalSelection(editor.document().length() / 2, editor.document().length() / 2);
        QElapsedTimer keystroke;
        bool sent = false;
        QObject::connect(&editor, &Ui::CollabEditor::localUpdate, &editor, [&] { sent = true; });
        keystroke.start();
        editor.replaceSelectedText(QStringLiteral("x"));
        firstKeystrokeMs.append(elapsedMs(keystroke));
        // Steady typing after it.
        for (int key = 0; key < 20; ++key) {
            keystroke.restart();
            editor.replaceSelectedText(QStringLiteral("y"));
            keystrokeMs.append(elapsedMs(keystroke));
        }
        if (!sent || editor.text().size() != source.length() + 21) {
            std::fprintf(stderr, "the loaded editor did not take an edit\n");
            return 1;
        }
    }

    const QJsonObject result{
        {QStringLiteral("bench"), QStringLiteral("open")},
        {QStringLiteral("utf16Units"), double(source.length())},
        {QStringLiteral("utf8Bytes"), double(source.text().toUtf8().size())},
        {QStringLiteral("edits"), double(edits)},
        {QStringLiteral("stateBytes"), double(state.size())},
        {QStringLiteral("runs"), runs},
        {QStringLiteral("decodeMs"), median(decodeMs)},
        {QStringLiteral("loadMs"), median(loadMs)},
        {QStringLiteral("paintMs"), median(paintMs)},
        {QStringLiteral("interactiveMs"), median(totalMs)},
        {QStringLiteral("interactiveMaxMs"), *std::max_element(totalMs.cbegin(), totalMs.cend())},
        {QStringLiteral("firstKeystrokeMs"), median(firstKeystrokeMs)},
        {QStringLiteral("keystrokeMs"), median(keystrokeMs)},
        {QStringLiteral("baselineSetTextMs"), median(baselineMs)},
        {QStringLiteral("baselineKeystrokeMs"), median(baselineKeystrokeMs)},
        {QStringLiteral("interactiveRatio"), median(totalMs) / median(baselineMs)},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}
