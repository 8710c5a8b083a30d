#pragma once

#include "store/findingstore.h"

#include <QColor>
#include <QStyledItemDelegate>

namespace mp::ui {

// The colour of a severity badge (and its text colour), the same in every view.
QColor severityColor(Severity severity);
QColor severityTextColor(Severity severity);

// Paints the severity column as a coloured badge; a suppressed row's badge is grey, so that the
// eye skips it while it stays listed.
class SeverityDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace mp::ui
