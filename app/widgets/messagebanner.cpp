// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "messagebanner.h"

#include "appearance.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QStyle>
#include <QToolButton>

namespace Cohort::Ui {

QString cssColor(const QColor &color)
{
    return QStringLiteral("rgba(%1, %2, %3, %4)")
        .arg(color.red())
        .arg(color.green())
        .arg(color.blue())
        .arg(color.alpha());
}

void paintTintedBox(QWidget *widget, const QColor &background, const QColor &border, qreal radius)
{
    QPainter painter(widget);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(border, 1));
    painter.setBrush(background);
    painter.drawRoundedRect(QRectF(widget->rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);
}

MessageBanner::MessageBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBanner"));
    m_text->setWordWrap(true);
    // Messages carry names of people, files and sessions that anyone can choose: never markup.
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_icon->setAlignment(Qt::AlignTop);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(10, 8, 10, 8);
    row->setSpacing(8);
    row->addWidget(m_icon);
    row->addWidget(m_text, 1);
    row->addWidget(m_close, 0, Qt::AlignTop);
    m_close->setAutoRaise(true);
    m_close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton, nullptr, this));
    m_close->setToolTip(tr("Close"));
    m_close->hide();
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBanner::showMessage(Kind kind, const QString &text)
{
    m_kind = kind;
    m_text->setText(text);
    updateLook();
    setVisible(!text.isEmpty());
}

void MessageBanner::clear()
{
    showMessage(m_kind, QString());
}

void MessageBanner::setClosable(bool closable)
{
    m_close->setVisible(closable);
}

QString MessageBanner::text() const
{
    return m_text->text();
}

void MessageBanner::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        updateLook();
    else if (event->type() == QEvent::LanguageChange)
        m_close->setToolTip(tr("Close"));
    QFrame::changeEvent(event);
}

void MessageBanner::paintEvent(QPaintEvent *)
{
    paintTintedBox(this, m_background, m_border, 6);
}

void MessageBanner::updateLook()
{
    QColor accent;
    QStyle::StandardPixmap pixmap = QStyle::SP_MessageBoxInformation;
    switch (m_kind) {
    case Kind::Information:
        accent = QColor(0x3d, 0x6d, 0xe0);
        break;
    case Kind::Warning:
        accent = QColor(0xd9, 0x8e, 0x04);
        pixmap = QStyle::SP_MessageBoxWarning;
        break;
    case Kind::Error:
        accent = QColor(0xd9, 0x3b, 0x3b);
        pixmap = QStyle::SP_MessageBoxCritical;
        break;
    }
    const bool dark = Appearance::isDark();
    m_background = accent;
    m_background.setAlphaF(dark ? 0.22f : 0.10f);
    m_border = accent;
    m_border.setAlphaF(dark ? 0.55f : 0.45f);
    update();
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(style()->standardIcon(pixmap, nullptr, this).pixmap(size, size));
}

} // namespace Cohort::Ui
