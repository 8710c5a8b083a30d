#include "ui/severitydelegate.h"

#include "ui/findingsmodel.h"

#include <QApplication>
#include <QPainter>

namespace mp::ui {

QColor severityColor(Severity severity)
{
    switch (severity) {
    case Severity::Critical: return QColor(0x9b, 0x1c, 0x1c);
    case Severity::High: return QColor(0xd9, 0x48, 0x0f);
    case Severity::Medium: return QColor(0xf0, 0xa2, 0x02);
    case Severity::Low: return QColor(0x3b, 0x7d, 0xd8);
    case Severity::Informational: return QColor(0xa0, 0xa6, 0xb0);
    }
    return Qt::gray;
}

QColor severityTextColor(Severity severity)
{
    return severity == Severity::Medium ? QColor(0x2b, 0x20, 0x00) : QColor(Qt::white);
}

void SeverityDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    // The row's background and selection as usual, then the badge instead of the text.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const auto severity = static_cast<Severity>(index.data(FindingsModel::SeverityRole).toInt());
    const bool suppressed = index.data(FindingsModel::SuppressedRole).toBool();
    const QString text = index.data(Qt::DisplayRole).toString();
    QFont font = option.font;
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 0.9);
    const QFontMetrics fm(font);
    const int height = std::min(option.rect.height() - 4, fm.height() + 4);
    const int width = std::min(option.rect.width() - 6, fm.horizontalAdvance(QStringLiteral("Critical")) + 14);
    const QRect badge(option.rect.left() + 3, option.rect.center().y() - height / 2 + 1, width, height);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    QColor fill = suppressed ? QColor(0xdc, 0xde, 0xe2) : severityColor(severity);
    painter->setBrush(fill);
    painter->drawRoundedRect(badge, 4, 4);
    painter->setFont(font);
    painter->setPen(suppressed ? QColor(0x70, 0x75, 0x7d) : severityTextColor(severity));
    painter->drawText(badge, Qt::AlignCenter, text);
    painter->restore();
}

QSize SeverityDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(option.fontMetrics.horizontalAdvance(QStringLiteral("Critical")) + 24);
    return size;
}

} // namespace mp::ui
