// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "certificatetrust.h"

#include <QCryptographicHash>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>

namespace Cohort::Client {

namespace {
const QString Group = QStringLiteral("servers");
}

CertificateTrust::CertificateTrust(QString path)
    : m_path(path.isEmpty() ? QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
                                  .filePath(QStringLiteral("trusted-servers.ini"))
                            : std::move(path))
{
}

QString CertificateTrust::fingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return QString();
    const QByteArray hex = certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper();
    return QString::fromLatin1(hex);
}

QString CertificateTrust::serverKey(const QUrl &url)
{
    // QSettings treats '/' and '\' in keys as groups; a host name has neither, a port is a number.
    return QStringLiteral("%1 %2").arg(url.host().toLower()).arg(url.port(443));
}

QString CertificateTrust::trustedFingerprint(const QUrl &url) const
{
    QSettings settings(m_path, QSettings::IniFormat);
    return settings.value(Group + QLatin1Char('/') + serverKey(url)).toString();
}

bool CertificateTrust::isTrusted(const QUrl &url, const QSslCertificate &certificate) const
{
    const QString trusted = trustedFingerprint(url);
    return !trusted.isEmpty() && trusted == fingerprint(certificate);
}

void CertificateTrust::trust(const QUrl &url, const QSslCertificate &certificate)
{
    QSettings settings(m_path, QSettings::IniFormat);
    settings.setValue(Group + QLatin1Char('/') + serverKey(url), fingerprint(certificate));
}

void CertificateTrust::forget(const QUrl &url)
{
    QSettings settings(m_path, QSettings::IniFormat);
    settings.remove(Group + QLatin1Char('/') + serverKey(url));
}

} // namespace Cohort::Client
