// SPDX-License-Identifier: GPL-3.0-or-later
// SPDX-FileCopyrightText: Cohort developers
#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace Cohort::Ui {

/// A colour in style-sheet syntax, with its alpha: rgba(r, g, b, a).
QString cssColor(const QColor &color);

/// Paints the tinted, rounded box of a banner. Banners paint it themselves instead of taking
/// a style sheet: a style sheet pins the palette the widget had when it was set, so after a
/// switch between light and dark its text kept the old colour (white on light, black on dark).
void paintTintedBox(QWidget *widget, const QColor &background, const QColor &border, qreal radius);

/// An inline, tinted note inside a dialog or pane: an error to fix, a warning, or information.
class MessageBanner : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Information, Warning, Error };

    explicit MessageBanner(QWidget *parent = nullptr);

    /// Shows the banner with `text`; an empty text hides it.
    void showMessage(Kind kind, const QString &text);
    void clear();
    /// Adds a close button that hides the banner.
    void setClosable(bool closable);
    QString text() const;
    Kind kind() const { return m_kind; }

protected:
    void changeEvent(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    void updateLook();

    Kind m_kind = Kind::Information;
    QColor m_background;
    QColor m_border;
    QLabel *m_icon;
    QLabel *m_text;
    QToolButton *m_close;
};

} // namespace Cohort::Ui
