#pragma once

#include <QStyledItemDelegate>

namespace mp::ui {

// Elides in the middle: file names keep their extension and hashes both ends, where an analyst
// compares them.
class ElideMiddleDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = Qt::ElideMiddle;
    }
};

} // namespace mp::ui
