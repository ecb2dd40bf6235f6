// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "connectionindicator.h"

#include "errortext.h"
#include "serveraddress.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QToolButton>

namespace Cohort::Ui {

using State = Client::Connection::State;

namespace {
constexpr int DotSize = 10;
constexpr int TickMs = 250;

QPixmap dotPixmap(const QColor &color, qreal dpr)
{
    QPixmap pixmap(QSize(DotSize, DotSize) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    painter.drawEllipse(QRectF(0.5, 0.5, DotSize - 1, DotSize - 1));
    return pixmap;
}
} // namespace

ConnectionIndicator::ConnectionIndicator(Client::Connection *connection, QWidget *parent)
    : QWidget(parent)
    , m_connection(connection)
    , m_dot(new QLabel(this))
    , m_text(new QLabel(this))
    , m_retry(new QToolButton(this))
{
    setObjectName(QStringLiteral("connectionIndicator"));
    m_text->setObjectName(QStringLiteral("connectionStateText"));
    m_retry->setObjectName(QStringLiteral("retryNowButton"));
    m_retry->setAutoRaise(true);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(6, 0, 6, 0);
    row->setSpacing(6);
    row->addWidget(m_dot);
    row->addWidget(m_text);
    row->addWidget(m_retry);

    m_tick.setInterval(TickMs);
    connect(&m_tick, &QTimer::timeout, this, &ConnectionIndicator::refresh);
    connect(m_connection, &Client::Connection::stateChanged, this, &ConnectionIndicator::refresh);
    connect(m_retry, &QToolButton::clicked, m_connection, &Client::Connection::reconnectNow);
    refresh();
}

QString ConnectionIndicator::text() const
{
    return m_text->text();
}

void ConnectionIndicator::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        refresh();
    QWidget::changeEvent(event);
}

void ConnectionIndicator::refresh()
{
    const State state = m_connection->state();
    QString text;
    QString tip;
    switch (state) {
    case State::Connected:
        m_color = QColor(0x2e, 0xa0, 0x43);
        text = tr("Connected");
        tip = tr("Connected to %1").arg(displayAddress(m_connection->url()));
        break;
    case State::Connecting:
        m_color = QColor(0xe0, 0xa1, 0x00);
        text = tr("Connecting…");
        break;
    case State::Reconnecting:
        m_color = QColor(0xe0, 0xa1, 0x00);
        text = tr("Reconnecting in %1 s").arg(m_connection->secondsUntilReconnect());
        break;
    case State::Offline:
        m_color = QColor(0x8a, 0x8d, 0x93);
        text = tr("Offline");
        break;
    case State::SignedOut:
        m_color = QColor(0x8a, 0x8d, 0x93);
        text = tr("Signed out");
        break;
    }
    if (state != State::Connected) {
        if (const auto error = m_connection->lastError())
            tip = ErrorText::forRequest(error->code, 0);
    }
    m_dot->setPixmap(dotPixmap(m_color, devicePixelRatioF()));
    m_text->setText(text);
    setToolTip(tip);
    m_retry->setText(tr("Retry now"));
    m_retry->setVisible(state == State::Reconnecting);
    if (state == State::Reconnecting)
        m_tick.start();
    else
        m_tick.stop();
}

} // namespace Cohort::Ui
