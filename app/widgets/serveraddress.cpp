// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "serveraddress.h"

namespace Cohort::Ui {

namespace {
constexpr int DefaultPort = 8740;
}

QUrl parseServerAddress(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed.contains(QLatin1Char(' ')))
        return {};
    if (!trimmed.contains(QLatin1String("://")))
        trimmed.prepend(QLatin1String("ws://"));
    QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return {};
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))
        return {};
    url.setScheme(scheme);
    if (url.port() == -1 && scheme == QLatin1String("ws"))
        url.setPort(DefaultPort);
    if (url.path().isEmpty())
        url.setPath(QStringLiteral("/"));
    return url;
}

QString displayAddress(const QUrl &url)
{
    QString text = url.toString();
    if (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

} // namespace Cohort::Ui
