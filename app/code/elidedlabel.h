// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QLabel>
#include <QResizeEvent>

#include <algorithm>

namespace Cohort::Ui {

/// A one-line plain-text label that gives way to its neighbours and ends with "…" when it is
/// narrower than its text (names and titles are as long as people make them); the full text
/// is its tooltip.
class ElidedLabel : public QLabel
{
public:
    explicit ElidedLabel(QWidget *parent = nullptr)
        : QLabel(parent)
    {
        setTextFormat(Qt::PlainText);
    }

    void setFullText(const QString &text)
    {
        m_full = text;
        setToolTip(text);
        elide();
        updateGeometry(); // the size hint is the new full text, also when the shown text stays
    }
    QString fullText() const { return m_full; }
    /// The whole text where there is room; a few letters where there is not.
    QSize sizeHint() const override
    {
        return {fontMetrics().horizontalAdvance(m_full) + contentsMargins().left() + contentsMargins().right() + 1,
                QLabel::sizeHint().height()};
    }
    QSize minimumSizeHint() const override
    {
        return {std::min(sizeHint().width(), fontMetrics().horizontalAdvance(QStringLiteral("Mm…"))),
                QLabel::minimumSizeHint().height()};
    }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QLabel::resizeEvent(event);
        elide();
    }
    void changeEvent(QEvent *event) override
    {
        QLabel::changeEvent(event);
        if (event->type() == QEvent::FontChange)
            elide();
    }

private:
    void elide()
    {
        const int room = contentsRect().width();
        setText(room > 0 ? fontMetrics().elidedText(m_full, Qt::ElideRight, room) : m_full);
    }

    QString m_full;
};

} // namespace Cohort::Ui
