// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "serverurl.h"

namespace Cohort::Client {

QString canonicalServerUrl(const QUrl &url)
{
    QUrl canonical = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment
                                  | QUrl::NormalizePathSegments | QUrl::StripTrailingSlash);
    if (canonical.path() == QLatin1String("/"))
        canonical.setPath(QString());
    return canonical.toString(QUrl::FullyEncoded);
}

} // namespace Cohort::Client
