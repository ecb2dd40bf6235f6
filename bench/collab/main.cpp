// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
//
// cohort-bench-trace: replays an editing trace through the collaborative engine and prints
// one JSON line (the fields of yjs-trace.js, which does the same with Yjs).
#include "document.h"
#include "trace.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

#include <malloc.h>

using namespace Cohort;
using namespace Cohort::Bench;

namespace {

qint64 statusKb(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

/// Starts a peak-memory measurement: hands the freed JSON tree back to the kernel (so the
/// replay cannot hide in its pages), resets the high-water mark (VmHWM) to the current RSS
/// and returns that RSS.
qint64 startPeak()
{
    malloc_trim(0);
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5");
    return statusKb("VmRSS");
}

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

void applyPatches(Collab::Document &doc, const Trace &trace, const Trace::Txn &txn)
{
    doc.beginTransaction();
    for (const Trace::Patch &patch : txn.patches) {
        qsizetype position = patch.position;
        qsizetype removed = patch.removed;
        if (trace.astral) {
            const QString text = doc.text();
            position = utf16Index(text, patch.position);
            removed = utf16Index(text, patch.position + patch.removed) - position;
        }
        if (removed > 0)
            doc.remove(position, removed);
        if (!patch.inserted.isEmpty())
            doc.insert(position, patch.inserted);
    }
}

int fail(const QString &message)
{
    std::fprintf(stderr, "cohort-bench-trace: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 2)
        return fail(QStringLiteral("usage: cohort-bench-trace <trace.json.gz>"));
    QString error;
    std::optional<Trace> loaded = loadTrace(args.at(1), &error);
    if (!loaded)
        return fail(error);
    const Trace &trace = *loaded;
    QElapsedTimer timer;

    // Local replay: one transaction per trace transaction, each producing one update. For a
    // concurrent trace, one replica per agent, each brought to the transaction's parents first.
    std::vector<QByteArray> updates(trace.txns.size());
    std::vector<Collab::Document> replicas;
    for (int a = 0; a < trace.agents; ++a)
        replicas.emplace_back(Collab::AgentId(0x1000 + a));
    std::vector<std::vector<bool>> seen(std::size_t(trace.agents), std::vector<bool>(trace.txns.size(), false));
    const qint64 baseRss = startPeak();
    timer.start();
    for (std::size_t t = 0; t < trace.txns.size(); ++t) {
        const Trace::Txn &txn = trace.txns[t];
        Collab::Document &doc = replicas[std::size_t(txn.agent)];
        std::vector<bool> &has = seen[std::size_t(txn.agent)];
        if (trace.concurrent) {
            std::vector<int> stack(txn.parents.cbegin(), txn.parents.cend());
            std::vector<int> missing;
            while (!stack.empty()) {
                const int p = stack.back();
                stack.pop_back();
                if (has[std::size_t(p)])
                    continue;
                has[std::size_t(p)] = true;
                missing.push_back(p);
                for (int q : trace.txns[std::size_t(p)].parents)
                    stack.push_back(q);
            }
            std::sort(missing.begin(), missing.end());
            for (int p : missing)
                doc.apply(updates[std::size_t(p)]);
        }
        applyPatches(doc, trace, txn);
        updates[t] = doc.commitTransaction();
        has[t] = true;
    }
    if (trace.concurrent) {
        for (std::size_t a = 0; a < replicas.size(); ++a) {
            for (std::size_t t = 0; t < trace.txns.size(); ++t) {
                if (!seen[a][t])
                    replicas[a].apply(updates[t]);
            }
        }
    }
    const qint64 localNs = timer.nsecsElapsed();
    const qint64 peakKb = statusKb("VmHWM") - baseRss;
    for (const Collab::Document &doc : replicas) {
        if (doc.text() != trace.endContent)
            return fail(QStringLiteral("local replay: the text differs from endContent"));
    }

    // Remote: a second replica applies every update one by one.
    Collab::Document remote(0x2000);
    const std::size_t count = updates.size();
    const std::size_t tenth = std::max<std::size_t>(count / 10, 1);
    qint64 firstTenthNs = 0;
    qint64 beforeLastTenthNs = 0;
    timer.start();
    for (std::size_t t = 0; t < count; ++t) {
        if (t == count - tenth)
            beforeLastTenthNs = timer.nsecsElapsed();
        if (!remote.apply(updates[t]).ok())
            return fail(QStringLiteral("remote replay: update %1 rejected").arg(t));
        if (t + 1 == tenth)
            firstTenthNs = timer.nsecsElapsed();
    }
    const qint64 remoteNs = timer.nsecsElapsed();
    if (remote.text() != trace.endContent || remote.pendingLength() != 0)
        return fail(QStringLiteral("remote replay: the text differs from endContent"));

    // Whole-document encoding and reload.
    const QByteArray state = replicas.front().encodeState();
    timer.start();
    std::optional<Collab::Document> reloaded = Collab::Document::decode(0x3000, state);
    const QString reloadedText = reloaded ? reloaded->text() : QString();
    const qint64 reloadNs = timer.nsecsElapsed(); // like Yjs: decode and read the text
    if (!reloaded || reloadedText != trace.endContent)
        return fail(QStringLiteral("reload: the text differs from endContent"));

    const QJsonObject line{
        {QStringLiteral("engine"), QStringLiteral("cohort")},
        {QStringLiteral("trace"), args.at(1).section(QLatin1Char('/'), -1)},
        {QStringLiteral("txns"), qint64(count)},
        {QStringLiteral("local_ms"), ms(localNs)},
        {QStringLiteral("remote_ms"), ms(remoteNs)},
        {QStringLiteral("remote_first10pct_ms"), ms(firstTenthNs)},
        {QStringLiteral("remote_last10pct_ms"), ms(remoteNs - beforeLastTenthNs)},
        {QStringLiteral("peak_rss_delta_kb"), peakKb},
        {QStringLiteral("encoded_bytes"), state.size()},
        {QStringLiteral("reload_ms"), ms(reloadNs)},
    };
    std::printf("%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
    return 0;
}
