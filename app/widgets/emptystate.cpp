// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "emptystate.h"

#include "icons.h"

#include <QEvent>
#include <QLabel>
#include <QHBoxLayout>
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
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // A column of readable width in the middle; word-wrapped labels need a definite width
    // from their layout to compute their height, so the column gets one instead of alignment.
    auto *body = new QWidget(this);
    body->setMaximumWidth(480);
    auto *column = new QVBoxLayout(body);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_icon);
    column->addSpacing(14);
    column->addWidget(m_title);
    column->addSpacing(6);
    column->addWidget(m_text);
    column->addSpacing(18);
    // The actions sit in a column as wide as the widest of them, centred: stacked buttons of
    // one width read as one group, not as a ragged pile.
    auto *actions = new QWidget(body);
    m_actions = new QVBoxLayout(actions);
    m_actions->setContentsMargins(0, 0, 0, 0);
    m_actions->setSpacing(8);
    column->addWidget(actions, 0, Qt::AlignHCenter);

    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(body, 4);
    row->addStretch(1);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(32, 32, 32, 32);
    outer->addStretch(2);
    outer->addLayout(row);
    outer->addStretch(3);
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
    // Tool buttons do not grow by default; these take the column's width.
    widget->setSizePolicy(QSizePolicy::Preferred, widget->sizePolicy().verticalPolicy());
    m_actions->addWidget(widget);
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
