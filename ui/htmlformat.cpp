#include "ui/htmlformat.h"

#include "ui/findingsmodel.h"
#include "ui/severitydelegate.h"
#include "ui/textformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mp::ui::html {

namespace {

QString scalar(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("—");
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (d == static_cast<double>(static_cast<qint64>(d)) && std::abs(d) < 1e15)
            return QString::number(static_cast<qint64>(d));
        return QString::number(d, 'f', 2);
    }
    case QJsonValue::String: return v.toString().toHtmlEscaped();
    default: return {};
    }
}

QString keyName(const QString &key)
{
    QString k = key;
    k.replace(QLatin1Char('_'), QLatin1Char(' '));
    return k.toHtmlEscaped();
}

QString value(const QJsonValue &v, int depth);

QString object(const QJsonObject &o, int depth)
{
    if (o.isEmpty())
        return QStringLiteral("—");
    QString out = QStringLiteral("<table class='kv' cellspacing='0' cellpadding='2'>");
    for (auto it = o.begin(); it != o.end(); ++it)
        out += QStringLiteral("<tr><td class='k'>%1</td><td>%2</td></tr>").arg(keyName(it.key()), value(it.value(), depth + 1));
    return out + QStringLiteral("</table>");
}

QString value(const QJsonValue &v, int depth)
{
    if (depth > 6)
        return QStringLiteral("…");
    if (v.isObject())
        return object(v.toObject(), depth);
    if (!v.isArray())
        return scalar(v);
    const QJsonArray a = v.toArray();
    if (a.isEmpty())
        return QStringLiteral("—");
    bool objects = true;
    for (const QJsonValue item : a)
        objects = objects && item.isObject();
    if (!objects) {
        QStringList parts;
        for (const QJsonValue item : a)
            parts << (item.isObject() || item.isArray() ? value(item, depth + 1) : scalar(item));
        return parts.join(QStringLiteral(", "));
    }
    // A list of objects: one row each, columns from the union of their keys.
    QStringList columns;
    for (const QJsonValue item : a) {
        for (const QString &k : item.toObject().keys()) {
            if (!columns.contains(k))
                columns << k;
        }
    }
    QString out = QStringLiteral("<table class='grid' cellspacing='0' cellpadding='2'><tr>");
    for (const QString &c : columns)
        out += QStringLiteral("<th>%1</th>").arg(keyName(c));
    out += QStringLiteral("</tr>");
    int rows = 0;
    for (const QJsonValue item : a) {
        if (++rows > 50) {
            out += QStringLiteral("<tr><td colspan='%1'>… %2 more</td></tr>").arg(columns.size()).arg(a.size() - 50);
            break;
        }
        out += QStringLiteral("<tr>");
        const QJsonObject o = item.toObject();
        for (const QString &c : columns)
            out += QStringLiteral("<td>%1</td>").arg(o.contains(c) ? value(o.value(c), depth + 1) : QString());
        out += QStringLiteral("</tr>");
    }
    return out + QStringLiteral("</table>");
}

} // namespace

QString esc(std::string_view text)
{
    return qstr(text).toHtmlEscaped();
}

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString badge(Severity severity, bool suppressed)
{
    const QColor fill = suppressed ? QColor(0xdc, 0xde, 0xe2) : severityColor(severity);
    const QColor text = suppressed ? QColor(0x70, 0x75, 0x7d) : severityTextColor(severity);
    return QStringLiteral("<span style='background-color:%1; color:%2; font-weight:bold;'>&nbsp;%3&nbsp;</span>")
        .arg(fill.name(), text.name(), FindingsModel::severityText(severity));
}

QString jsonDetails(std::string_view json)
{
    if (json.empty())
        return QStringLiteral("—");
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size())), &error);
    if (doc.isNull() || !doc.isObject())
        return QStringLiteral("<pre>%1</pre>").arg(esc(json));
    return object(doc.object(), 0);
}

QString parameters(std::string_view json)
{
    if (json.empty())
        return {};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size())));
    if (!doc.isArray())
        return esc(json);
    QStringList lines;
    for (const QJsonValue item : doc.array()) {
        const QJsonObject o = item.toObject();
        const QJsonValue v = o.value(QLatin1String("Value"));
        QString text = v.isString() ? v.toString() : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
        if (text.size() > 300)
            text = text.left(300) + QStringLiteral("…");
        lines << QStringLiteral("<b>%1</b> = %2").arg(o.value(QLatin1String("Name")).toString().toHtmlEscaped(), text.toHtmlEscaped());
    }
    return lines.join(QStringLiteral("<br>"));
}

QString eventLink(qint64 eventId, const QString &text)
{
    return QStringLiteral("<a href='event:%1'>%2</a>").arg(eventId).arg(text);
}

QString selectLink(qsizetype index, const QString &text)
{
    return QStringLiteral("<a href='select:%1'>%2</a>").arg(index).arg(text);
}

PageLink pageLink(const QUrl &url)
{
    const QString s = url.toString();
    bool ok = false;
    PageLink link;
    if (s.startsWith(QLatin1String("event:"))) {
        link.value = s.mid(6).toLongLong(&ok);
        link.kind = PageLink::Kind::Event;
    } else if (s.startsWith(QLatin1String("select:"))) {
        link.value = s.mid(7).toLongLong(&ok);
        link.kind = ok && link.value >= 0 ? PageLink::Kind::Select : PageLink::Kind::None;
    }
    if (!ok)
        link.kind = PageLink::Kind::None;
    return link;
}

QString styleSheet()
{
    return QStringLiteral(
        "h2 { margin: 2px 0 4px 0; } h3 { margin: 10px 0 3px 0; color: #333; } "
        "td { padding: 1px 6px 1px 0; vertical-align: top; } "
        "td.k { color: #555; white-space: nowrap; } "
        "table.grid th { text-align: left; background-color: #eceef1; padding: 2px 6px 2px 2px; } "
        "table.grid td { border-bottom: 1px solid #e4e6e9; } "
        ".muted { color: #777; } .bar { color: #d9480f; } .fail { color: #b42318; } .ok { color: #1e7b34; } "
        "a { color: #1f5fbf; text-decoration: none; }");
}

} // namespace mp::ui::html
