#pragma once

#include "store/findingstore.h"

#include <QString>
#include <QUrl>

#include <string_view>

// Rich text for the details panel and the user page. Everything that came from a log is
// attacker-controlled: it goes through esc() (or a helper here that escapes) before it is HTML.
namespace mp::ui::html {

QString esc(std::string_view text);
QString esc(const QString &text);
// A coloured severity badge; grey when suppressed.
QString badge(Severity severity, bool suppressed = false);
// A detector's details object as nested key/value tables: lists of plain values joined, lists of
// objects as rows. Text that is not a JSON object is shown escaped as it is.
QString jsonDetails(std::string_view json);
// Rule/cmdlet parameters (a JSON array of {"Name","Value"}) as "Name = Value" lines.
QString parameters(std::string_view json);
// A link the panels resolve themselves: "event:<id>".
QString eventLink(qint64 eventId, const QString &text);
// A link to another selection, by its index in the page's own list of targets: "select:<index>".
QString selectLink(qsizetype index, const QString &text);
// What a clicked link of the panels asks for.
struct PageLink
{
    enum class Kind { None, Event, Select };
    Kind kind = Kind::None;
    qint64 value = 0; // the event id, or the index of the selection target
};
PageLink pageLink(const QUrl &url);
// The style sheet both panels use.
QString styleSheet();

} // namespace mp::ui::html
