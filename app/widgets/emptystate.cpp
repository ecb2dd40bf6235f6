// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "emptystate.h"

#include "icons.h"

#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

namespace Cohort::Ui {

namespace {
constexpr int SymbolSize = 56;
}

EmptyState::EmptyState(const QString &symbol, QWidget *parent)
    : QWidget(parent)
    , m_symbol(symbol)
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_text(new QLabel(this))
    , m_actions(new QVBoxLayout)
{
    m_icon->setAlignment(Qt::AlignCenter);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    m_title->setObjectName(QStringLiteral("emptyStateTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.45);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setMaximumWidth(440);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(32, 32, 32, 32);
    column->addStretch(2);
    column->addWidget(m_icon);
    column->addSpacing(12);
    column->addWidget(m_title);
    column->addSpacing(4);
    column->addWidget(m_text, 0, Qt::AlignHCenter);
    column->addSpacing(16);
    m_actions->setSpacing(8);
    column->addLayout(m_actions);
    column->addStretch(3);
    updateColors();
}

void EmptyState::setTitle(const QString &title)
{
    m_title->setText(title);
}

void EmptyState::setText(const QString &text)
{
    m_text->setText(text);
}

QString EmptyState::title() const
{
    return m_title->text();
}

QString EmptyState::text() const
{
    return m_text->text();
}

void EmptyState::addAction(QWidget *widget)
{
    m_actions->addWidget(widget, 0, Qt::AlignHCenter);
}

void EmptyState::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        updateColors();
    QWidget::changeEvent(event);
}

void EmptyState::updateColors()
{
    const QPalette p = palette();
    QColor symbolColor = p.color(QPalette::Highlight);
    m_icon->setPixmap(Icons::symbolPixmap(m_symbol, SymbolSize, symbolColor, devicePixelRatioF()));
    QPalette muted = m_text->palette();
    QColor textColor = p.color(QPalette::WindowText);
    textColor.setAlphaF(0.68f);
    muted.setColor(QPalette::WindowText, textColor);
    m_text->setPalette(muted);
}

} // namespace Cohort::Ui
