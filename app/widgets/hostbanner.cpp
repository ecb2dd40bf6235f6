// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "hostbanner.h"

#include "appearance.h"
#include "hostedserver.h"
#include "icons.h"
#include "serveraddress.h"
#include "messagebanner.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace Cohort::Ui {

namespace {
QFont monospace(const QFont &base, qreal factor)
{
    QFont font(QStringLiteral("monospace"));
    font.setStyleHint(QFont::Monospace);
    font.setPointSizeF(base.pointSizeF() * factor);
    font.setWeight(QFont::DemiBold);
    return font;
}
} // namespace

HostBanner::HostBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_headline(new QLabel(this))
    , m_addressCaption(new QLabel(this))
    , m_address(new QLabel(this))
    , m_copyAddress(new QToolButton(this))
    , m_codeCaption(new QLabel(this))
    , m_code(new QLabel(this))
    , m_copyCode(new QToolButton(this))
    , m_note(new QLabel(this))
{
    setObjectName(QStringLiteral("hostBanner"));
    m_address->setObjectName(QStringLiteral("hostAddressLabel"));
    m_code->setObjectName(QStringLiteral("hostJoinCodeLabel"));
    m_copyAddress->setObjectName(QStringLiteral("copyAddressButton"));
    m_copyCode->setObjectName(QStringLiteral("copyCodeButton"));
    m_address->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_code->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_address->setFont(monospace(font(), 1.15));
    m_code->setFont(monospace(font(), 1.15));
    QFont bold = font();
    bold.setWeight(QFont::DemiBold);
    m_headline->setFont(bold);
    m_headline->setWordWrap(true);
    m_note->setWordWrap(true);
    for (QToolButton *button : {m_copyAddress, m_copyCode}) {
        button->setAutoRaise(true);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    }

    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(4);
    grid->addWidget(m_addressCaption, 0, 0);
    grid->addWidget(m_address, 0, 1);
    grid->addWidget(m_copyAddress, 0, 2);
    grid->addWidget(m_codeCaption, 0, 4);
    grid->addWidget(m_code, 0, 5);
    grid->addWidget(m_copyCode, 0, 6);
    grid->setColumnMinimumWidth(3, 16);
    grid->setColumnStretch(7, 1);

    auto *text = new QVBoxLayout;
    text->setSpacing(6);
    text->addWidget(m_headline);
    text->addLayout(grid);
    text->addWidget(m_note);

    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(16, 12, 16, 12);
    row->setSpacing(14);
    row->addWidget(m_icon, 0, Qt::AlignTop);
    row->addLayout(text, 1);

    connect(m_copyAddress, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_addressValue); });
    connect(m_copyCode, &QToolButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_joinCodeValue); });
    retranslateUi();
    updateLook();
    hide();
}

void HostBanner::showServer(const HostedServer &server)
{
    m_courseName = server.course().name;
    m_joinCodeValue = server.course().joinCode;
    const QStringList lan = server.lanAddresses();
    m_lanReachable = !lan.isEmpty();
    m_addressValue = m_lanReachable ? lan.first() : displayAddress(server.localUrl());
    m_otherAddresses = lan.mid(1);
    m_address->setText(m_addressValue);
    m_code->setText(m_joinCodeValue);
    retranslateUi();
    show();
}

void HostBanner::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    else if (event->type() == QEvent::PaletteChange)
        updateLook();
    QFrame::changeEvent(event);
}

void HostBanner::retranslateUi()
{
    m_headline->setText(tr("You are hosting “%1” on this computer").arg(m_courseName));
    m_addressCaption->setText(tr("Address:"));
    m_codeCaption->setText(tr("Join code:"));
    m_copyAddress->setText(tr("Copy"));
    m_copyAddress->setToolTip(tr("Copy the address"));
    m_copyCode->setText(tr("Copy"));
    m_copyCode->setToolTip(tr("Copy the join code"));
    QString note;
    if (!m_lanReachable)
        note = tr("This computer is not connected to a network, so only this computer can join "
                  "right now.");
    else if (!m_otherAddresses.isEmpty())
        note = tr("Students enter the address and choose “Create an account” with the join code. "
                  "Also reachable at %1.").arg(m_otherAddresses.join(QStringLiteral(", ")));
    else
        note = tr("Students enter the address and choose “Create an account” with the join code. "
                  "Keep Cohort open while you teach.");
    m_note->setText(note);
}

void HostBanner::paintEvent(QPaintEvent *)
{
    paintTintedBox(this, m_background, m_border, 8);
}

void HostBanner::updateLook()
{
    const QColor accent = palette().color(QPalette::Highlight);
    m_background = accent;
    m_background.setAlphaF(Appearance::isDark() ? 0.20f : 0.08f);
    m_border = accent;
    m_border.setAlphaF(0.35f);
    update();
    m_icon->setPixmap(Icons::symbolPixmap(QStringLiteral("host"), 32, accent, devicePixelRatioF()));
    const QIcon copy = Icons::symbol(QStringLiteral("copy"));
    m_copyAddress->setIcon(copy);
    m_copyCode->setIcon(copy);
}

} // namespace Cohort::Ui
