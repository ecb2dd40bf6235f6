// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QSslCertificate>
#include <QString>
#include <QUrl>

namespace Cohort::Client {

/// Certificates the user chose to trust, one per server (host and port): the trust-on-first-use
/// a school needs when its server has a certificate it made itself. Only that exact certificate
/// (by SHA-256 fingerprint) is accepted for that server; a different one is refused until the
/// user looks at it again. Kept in an INI file in the app's config folder.
class CertificateTrust
{
public:
    /// `path` empty means trusted-servers.ini in QStandardPaths::AppConfigLocation.
    explicit CertificateTrust(QString path = QString());

    /// "AB:CD:…", the SHA-256 of the certificate's DER bytes, as browsers and openssl show it.
    static QString fingerprint(const QSslCertificate &certificate);
    /// The fingerprint trusted for the server of `url`; empty when none.
    QString trustedFingerprint(const QUrl &url) const;
    bool isTrusted(const QUrl &url, const QSslCertificate &certificate) const;
    void trust(const QUrl &url, const QSslCertificate &certificate);
    void forget(const QUrl &url);

private:
    static QString serverKey(const QUrl &url);

    QString m_path;
};

} // namespace Cohort::Client
