// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "authservice.h"
#include "validation.h"

#include <sodium.h>

namespace Cohort::Server {

namespace {

void requireSodium()
{
    // sodium_init is idempotent and thread-safe; a process without a working random source must
    // not hand out tokens at all.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        qFatal("libsodium could not be initialised (no usable random source)");
}

QString randomString(const char *alphabet, quint32 alphabetSize, int length)
{
    requireSodium();
    QString result;
    result.reserve(length);
    for (int i = 0; i < length; ++i)
        result.append(QLatin1Char(alphabet[randombytes_uniform(alphabetSize)]));
    return result;
}

} // namespace

QByteArray hashPassword(const QString &password, quint64 opsLimit, quint64 memLimit)
{
    requireSodium();
    QByteArray utf8 = password.toUtf8();
    char hash[crypto_pwhash_STRBYTES];
    const int rc = crypto_pwhash_str_alg(hash, utf8.constData(), quint64(utf8.size()),
                                         opsLimit ? opsLimit : DefaultArgon2OpsLimit,
                                         size_t(memLimit ? memLimit : DefaultArgon2MemLimit),
                                         crypto_pwhash_ALG_ARGON2ID13);
    sodium_memzero(utf8.data(), size_t(utf8.size()));
    if (rc != 0)
        return QByteArray(); // out of memory: the caller reports an internal error
    return QByteArray(hash);
}

bool verifyPassword(const QByteArray &hash, const QString &password)
{
    requireSodium();
    if (hash.isEmpty() || hash.size() >= qsizetype(crypto_pwhash_STRBYTES))
        return false;
    QByteArray utf8 = password.toUtf8();
    const bool ok = crypto_pwhash_str_verify(hash.constData(), utf8.constData(), quint64(utf8.size())) == 0;
    sodium_memzero(utf8.data(), size_t(utf8.size()));
    return ok;
}

QString generateToken()
{
    requireSodium();
    QByteArray bytes(32, Qt::Uninitialized);
    randombytes_buf(bytes.data(), size_t(bytes.size()));
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QByteArray hashToken(const QString &token)
{
    requireSodium();
    const QByteArray utf8 = token.toUtf8();
    QByteArray digest(crypto_hash_sha256_BYTES, Qt::Uninitialized);
    crypto_hash_sha256(reinterpret_cast<unsigned char *>(digest.data()),
                       reinterpret_cast<const unsigned char *>(utf8.constData()), quint64(utf8.size()));
    return digest;
}

QString generateJoinCode()
{
    // No 0/O, 1/I: the code is read aloud and copied from a projector.
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const QString code = randomString(alphabet, sizeof(alphabet) - 1, 8);
    return code.left(4) + QLatin1Char('-') + code.mid(4);
}

QString generatePassword()
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    return randomString(alphabet, sizeof(alphabet) - 1, 16);
}

QString accountProblem(const QString &username, const QString &displayName, const QString &password)
{
    if (!Protocol::isValidUsername(username))
        return QStringLiteral("A username is 3 to 32 characters of a-z, 0-9, '.', '_' and '-', "
                              "starting with a letter or digit.");
    const QString display = displayName.trimmed();
    if (display.isEmpty() || display.size() > 80)
        return QStringLiteral("A display name is 1 to 80 characters.");
    if (password.size() < 8 || password.size() > 1024)
        return QStringLiteral("A password is 8 to 1024 characters.");
    return QString();
}

} // namespace Cohort::Server
