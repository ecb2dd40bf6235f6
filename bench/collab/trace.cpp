// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "trace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <zlib.h>

namespace Cohort::Bench {

namespace {

bool hasSurrogates(const QString &text)
{
    for (QChar c : text) {
        if (c.isSurrogate())
            return true;
    }
    return false;
}

} // namespace

std::optional<Trace> loadTrace(const QString &path, QString *error)
{
    gzFile file = gzopen(path.toLocal8Bit().constData(), "rb");
    if (!file) {
        *error = QStringLiteral("cannot open %1").arg(path);
        return std::nullopt;
    }
    QByteArray json;
    char buffer[1 << 16];
    int n = 0;
    while ((n = gzread(file, buffer, sizeof buffer)) > 0)
        json.append(buffer, n);
    const bool failed = n < 0;
    gzclose(file);
    if (failed) {
        *error = QStringLiteral("cannot decompress %1").arg(path);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonObject root = QJsonDocument::fromJson(json, &parseError).object();
    if (parseError.error != QJsonParseError::NoError || !root.contains(QStringLiteral("txns"))) {
        *error = QStringLiteral("%1 is not a trace: %2").arg(path, parseError.errorString());
        return std::nullopt;
    }
    Trace trace;
    trace.concurrent = root.value(QStringLiteral("kind")).toString() == QStringLiteral("concurrent");
    trace.agents = trace.concurrent ? root.value(QStringLiteral("numAgents")).toInt() : 1;
    trace.endContent = root.value(QStringLiteral("endContent")).toString();
    if (!trace.concurrent && !root.value(QStringLiteral("startContent")).toString().isEmpty()) {
        *error = QStringLiteral("traces with a start content are not supported");
        return std::nullopt;
    }
    trace.astral = hasSurrogates(trace.endContent);
    const QJsonArray txns = root.value(QStringLiteral("txns")).toArray();
    trace.txns.reserve(std::size_t(txns.size()));
    for (const QJsonValue &value : txns) {
        const QJsonObject object = value.toObject();
        Trace::Txn txn;
        txn.agent = object.value(QStringLiteral("agent")).toInt();
        for (const QJsonValue &parent : object.value(QStringLiteral("parents")).toArray())
            txn.parents.append(parent.toInt());
        for (const QJsonValue &patchValue : object.value(QStringLiteral("patches")).toArray()) {
            const QJsonArray patch = patchValue.toArray();
            Trace::Patch p{patch.at(0).toInteger(), patch.at(1).toInteger(), patch.at(2).toString()};
            trace.astral = trace.astral || hasSurrogates(p.inserted);
            txn.patches.push_back(std::move(p));
        }
        trace.txns.push_back(std::move(txn));
    }
    return trace;
}

qsizetype utf16Index(const QString &text, qsizetype codePoint)
{
    qsizetype i = 0;
    for (; codePoint > 0 && i < text.size(); --codePoint)
        i += (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate()) ? 2 : 1;
    return i;
}

} // namespace Cohort::Bench
