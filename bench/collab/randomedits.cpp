// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-random-edits: the cost of one edit or position lookup far from the previous
// one, which the editing traces (mostly typing in one place) hardly measure. Builds a
// fragmented document (random-position inserts, some deletes), then times single-character
// edits at random positions, and edits near the start each followed by a lookup near the end
// (a remote cursor further down). Prints one JSON line; times are per operation.
#include "document.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace Cohort;

namespace {

qsizetype below(std::mt19937 &random, qsizetype bound)
{
    return qsizetype(std::uniform_int_distribution<qint64>(0, std::max<qint64>(bound - 1, 0))(random));
}

double nsPerOp(qint64 ns, int ops)
{
    return double(ns) / ops;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    // The document's length in characters (its runs are ~5 characters long).
    const qsizetype size = args.size() > 1 ? args.at(1).toLongLong() : 500'000;
    constexpr int kOps = 20'000;
    std::mt19937 random(20261122);
    Collab::Document doc(0x1000);

    // Inserts at random places do not continue each other's runs: the document ends up in
    // ~size/5 runs, as after a long session.
    while (doc.length() < size) {
        doc.insert(below(random, doc.length() + 1), u"abcde");
        if (below(random, 8) == 0)
            doc.remove(below(random, doc.length()), 3);
    }

    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < kOps; ++i) {
        if (i % 2 == 0)
            doc.insert(below(random, doc.length() + 1), u"r");
        else
            doc.remove(below(random, doc.length()), 1);
    }
    const qint64 randomNs = timer.nsecsElapsed();

    timer.start();
    for (int i = 0; i < kOps; ++i) {
        doc.insert(below(random, 100), u"s");
        const Collab::Anchor far = doc.anchorAt(doc.length() - below(random, 100), Collab::Anchor::Side::StickToPrevious);
        doc.resolve(far);
    }
    const qint64 earlyNs = timer.nsecsElapsed();

    const QJsonObject line{
        {QStringLiteral("engine"), QStringLiteral("cohort")},
        {QStringLiteral("bench"), QStringLiteral("random-edits")},
        {QStringLiteral("length"), qint64(doc.length())},
        {QStringLiteral("random_edit_ns"), nsPerOp(randomNs, kOps)},
        {QStringLiteral("early_edit_far_lookup_ns"), nsPerOp(earlyNs, kOps)},
    };
    std::printf("%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
    return 0;
}
