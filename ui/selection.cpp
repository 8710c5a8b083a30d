#include "ui/selection.h"

#include "ui/textformat.h"

namespace mp::ui {

Selection Selection::withTimeRange(qint64 from, qint64 to) const
{
    Selection s = *this;
    s.fromMs = from;
    s.toMs = to;
    if (s.kind == Kind::None)
        s.kind = Kind::TimeRange;
    return s;
}

Selection Selection::forUser(const QString &upn)
{
    Selection s;
    s.kind = Kind::User;
    s.key = upn.toLower();
    s.user = s.key;
    return s;
}

Selection Selection::forIp(const QString &ip)
{
    Selection s;
    s.kind = Kind::Ip;
    s.key = ip;
    s.ips = {ip};
    return s;
}

Selection Selection::forEntity(Kind kind, const QString &key, const QString &label)
{
    if (kind == Kind::User)
        return forUser(key);
    if (kind == Kind::Ip)
        return forIp(key);
    Selection s;
    s.kind = kind;
    s.key = key;
    s.label = label;
    return s;
}

Selection Selection::forEvent(qint64 eventId, const QString &label)
{
    Selection s;
    s.kind = Kind::Event;
    s.id = eventId;
    s.label = label;
    s.eventIds = {eventId};
    return s;
}

Selection Selection::forTimeRange(qint64 from, qint64 to, const QString &user)
{
    Selection s;
    s.kind = Kind::TimeRange;
    s.fromMs = from;
    s.toMs = to;
    s.user = user.toLower();
    return s;
}

QString Selection::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None: return QStringLiteral("none");
    case Kind::Finding: return QStringLiteral("finding");
    case Kind::Incident: return QStringLiteral("incident");
    case Kind::Campaign: return QStringLiteral("campaign");
    case Kind::User: return QStringLiteral("user");
    case Kind::Ip: return QStringLiteral("IP");
    case Kind::Network: return QStringLiteral("network");
    case Kind::Country: return QStringLiteral("country");
    case Kind::Address: return QStringLiteral("address");
    case Kind::Rule: return QStringLiteral("rule");
    case Kind::ClientApp: return QStringLiteral("client app");
    case Kind::Event: return QStringLiteral("event");
    case Kind::TimeRange: return QStringLiteral("time range");
    }
    return {};
}

QString Selection::describe() const
{
    QString text = label;
    if (text.isEmpty()) {
        switch (kind) {
        case Kind::None: return QStringLiteral("Nothing selected");
        case Kind::Event: text = QStringLiteral("event %1").arg(id); break;
        case Kind::Campaign: text = QStringLiteral("campaign %1").arg(id); break;
        case Kind::TimeRange: text = user.isEmpty() ? QStringLiteral("time range") : user; break;
        default: text = kindName(kind) + QLatin1Char(' ') + (key.isEmpty() ? QString::number(id) : key); break;
        }
    }
    if (hasTimeRange()) {
        const QString from = fromMs == kNoTime ? QStringLiteral("…") : formatTimeUtc(fromMs);
        const QString to = toMs == kNoTime ? QStringLiteral("…") : formatTimeUtc(toMs);
        text += QStringLiteral(" (%1 – %2)").arg(from, to);
    }
    return text;
}

SelectionHub::SelectionHub(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<mp::ui::Selection>();
}

const Selection &SelectionHub::current() const
{
    return m_index < 0 ? m_none : m_history.at(m_index);
}

void SelectionHub::select(const Selection &selection, const QObject *origin)
{
    if (selection == current())
        return;
    m_history.resize(m_index + 1); // drop what was forward
    m_history.append(selection);
    if (m_history.size() > kMaxHistory)
        m_history.remove(0, m_history.size() - kMaxHistory);
    m_index = int(m_history.size()) - 1;
    emit selectionChanged(current(), origin);
    emit historyChanged();
}

void SelectionHub::refine(const Selection &selection, const QObject *origin)
{
    if (m_index < 0) {
        select(selection, origin);
        return;
    }
    if (selection == current())
        return;
    m_history[m_index] = selection;
    emit selectionChanged(current(), origin);
    emit historyChanged();
}

bool SelectionHub::canGoBack() const
{
    return m_index > 0;
}

bool SelectionHub::canGoForward() const
{
    return m_index >= 0 && m_index + 1 < m_history.size();
}

void SelectionHub::back()
{
    if (canGoBack())
        goTo(m_index - 1);
}

void SelectionHub::forward()
{
    if (canGoForward())
        goTo(m_index + 1);
}

void SelectionHub::goTo(int index)
{
    if (index < 0 || index >= m_history.size() || index == m_index)
        return;
    m_index = index;
    emit selectionChanged(current(), nullptr);
    emit historyChanged();
}

void SelectionHub::clear()
{
    const bool had = !current().isNone() || !m_history.isEmpty();
    m_history.clear();
    m_index = -1;
    if (had) {
        emit selectionChanged(current(), nullptr);
        emit historyChanged();
    }
}

} // namespace mp::ui
