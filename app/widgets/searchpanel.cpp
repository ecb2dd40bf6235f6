// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#include "searchpanel.h"

#include "icons.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QToolButton>
#include <QVBoxLayout>

namespace Cohort::Ui {

SearchPanel::SearchPanel(std::function<QString(RoomId)> roomName, QWidget *parent)
    : QWidget(parent)
    , m_roomName(std::move(roomName))
    , m_title(new QLabel(this))
    , m_close(new QToolButton(this))
    , m_query(new QLineEdit(this))
    , m_help(new QLabel(this))
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("searchPanel"));
    QFont font = m_title->font();
    font.setWeight(QFont::DemiBold);
    font.setPointSizeF(font.pointSizeF() * 1.1);
    m_title->setFont(font);
    m_close->setObjectName(QStringLiteral("searchClose"));
    m_close->setAutoRaise(true);
    m_close->setIconSize(QSize(18, 18));
    m_query->setObjectName(QStringLiteral("searchBox"));
    m_query->setClearButtonEnabled(true);
    m_help->setWordWrap(true);
    m_help->setTextFormat(Qt::PlainText);
    m_help->setForegroundRole(QPalette::PlaceholderText);
    m_list->setObjectName(QStringLiteral("searchResults"));
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setWordWrap(true);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setSpacing(3);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(14, 10, 8, 8);
    header->addWidget(m_title, 1);
    header->addWidget(m_close);
    auto *fields = new QVBoxLayout;
    fields->setContentsMargins(12, 0, 12, 0);
    fields->addWidget(m_query);
    fields->addWidget(m_help);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addLayout(fields);
    layout->addWidget(m_list, 1);

    connect(m_close, &QToolButton::clicked, this, &SearchPanel::closeRequested);
    connect(m_query, &QLineEdit::returnPressed, this, [this] {
        const QString query = m_query->text().trimmed();
        if (query.isEmpty())
            return;
        m_list->clear();
        Q_EMIT searchRequested(query);
    });
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const int i = item->data(Qt::UserRole).toInt();
        if (i >= 0 && i < m_results.size())
            Q_EMIT resultActivated(m_results.at(i));
    });
    retranslateUi();
}

void SearchPanel::clear()
{
    m_query->clear();
    m_results.clear();
    m_list->clear();
}

void SearchPanel::focusQuery()
{
    m_query->setFocus();
    m_query->selectAll();
}

void SearchPanel::setResults(const QList<Client::SearchResult> &results)
{
    m_results = results;
    m_list->clear();
    if (results.isEmpty()) {
        auto *item = new QListWidgetItem(tr("No messages found"), m_list);
        item->setFlags(Qt::NoItemFlags);
        return;
    }
    for (int i = 0; i < results.size(); ++i) {
        const Client::SearchResult &r = results.at(i);
        const QString when = QLocale().toString(QDateTime::fromMSecsSinceEpoch(r.timestamp), QLocale::ShortFormat);
        const QString sender = r.sender.displayName.isEmpty() ? r.sender.username : r.sender.displayName;
        auto *item = new QListWidgetItem(tr("%1 · %2 · %3\n%4").arg(sender, m_roomName(r.roomId), when, r.snippet.simplified()),
                                         m_list);
        item->setData(Qt::UserRole, i);
    }
}

void SearchPanel::retranslateUi()
{
    m_title->setText(tr("Search"));
    m_close->setToolTip(tr("Close"));
    m_close->setIcon(Icons::symbol(QStringLiteral("close")));
    m_query->setPlaceholderText(tr("Search messages"));
    m_help->setText(tr("Filters: from:username  in:#room  before:2026-12-31  after:2026-01-01  has:file"));
}

void SearchPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

} // namespace Cohort::Ui
