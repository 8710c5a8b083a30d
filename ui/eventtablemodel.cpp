#include "ui/eventtablemodel.h"

#include "geo/countries.h"
#include "ui/eventidsworker.h"
#include "ui/itemroles.h"
#include "ui/textformat.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <QTimeZone>

#include <algorithm>
#include <span>

namespace mp::ui {

namespace {

EventColumn columnAt(int section)
{
    return static_cast<EventColumn>(section);
}

// Log text on one line: a subject with a line break must not make a row two lines high.
QString oneLine(std::string_view text)
{
    QString s = qstr(text);
    for (QChar &c : s) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QLatin1Char(' ');
    }
    return s;
}

QString kindText(EventKind kind)
{
    switch (kind) {
    case EventKind::SignIn:
        return QStringLiteral("sign-in");
    case EventKind::Audit:
        return QStringLiteral("audit");
    case EventKind::Message:
        return QStringLiteral("message");
    case EventKind::RuleSnapshot:
        return QStringLiteral("rule snapshot");
    }
    return QStringLiteral("?");
}

// The parameters that say what a rule or mailbox change does ("MoveToFolder: Junk Email"),
// without the bookkeeping ones every cmdlet carries.
QString parameterSummary(const std::string &json)
{
    if (json.empty())
        return {};
    static const QSet<QString> kNoise = {QStringLiteral("AlwaysDeleteOutlookRulesBlob"), QStringLiteral("Force"),
                                         QStringLiteral("Identity"), QStringLiteral("Name"), QStringLiteral("Mailbox"),
                                         QStringLiteral("DomainController"), QStringLiteral("ErrorAction"),
                                         QStringLiteral("Confirm")};
    QStringList parts;
    const QJsonArray parameters = QJsonDocument::fromJson(QByteArray::fromStdString(json)).array();
    for (const QJsonValue &p : parameters) {
        const QJsonObject o = p.toObject();
        const QString name = o.value(QStringLiteral("Name")).toString();
        const QJsonValue value = o.value(QStringLiteral("Value"));
        const QString text = value.isString() ? value.toString() : QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
        if (name.isEmpty() || kNoise.contains(name) || text.isEmpty())
            continue;
        parts << QStringLiteral("%1: %2").arg(name, text.simplified());
    }
    return parts.join(QStringLiteral(", "));
}

QString detailsText(const EventRow &r)
{
    QStringList parts;
    if (r.kind == EventKind::SignIn) {
        // How and into what: "IMAP4 → Office 365 Exchange Online", and why it failed.
        QString how = oneLine(r.clientApp);
        if (!r.app.empty())
            how += (how.isEmpty() ? QString() : QStringLiteral(" → ")) + oneLine(r.app);
        if (!how.isEmpty())
            parts << how;
        if (r.resultCode != 0 && r.resultCode != kNoResult && !r.resultStatus.empty())
            parts << oneLine(r.resultStatus);
    }
    if (!r.ruleName.empty())
        parts << QStringLiteral("rule “%1”").arg(oneLine(r.ruleName));
    if (!r.forwardTargets.empty())
        parts << QStringLiteral("forwards to %1").arg(oneLine(r.forwardTargets).replace(QLatin1Char(';'), QStringLiteral(", ")));
    if (!r.subject.empty())
        parts << QStringLiteral("subject “%1”").arg(oneLine(r.subject));
    if (!r.recipients.empty() && r.kind == EventKind::Message)
        parts << QStringLiteral("to %1").arg(oneLine(r.recipients).replace(QLatin1Char(';'), QStringLiteral(", ")));
    if (const QString parameters = parameterSummary(r.parameters); !parameters.isEmpty())
        parts << parameters;
    return parts.join(QStringLiteral(" · "));
}

QString resultText(const EventRow &r)
{
    if (r.resultCode == 0)
        return QStringLiteral("success");
    if (r.resultCode != kNoResult)
        return QStringLiteral("failure %1").arg(r.resultCode);
    // "Succeeded", "True", "Delivered" ... say the same thing: one word for each outcome, the
    // status as logged in the tool tip.
    switch (eventOutcome(r.resultCode, r.resultStatus)) {
    case EventOutcome::Success:
        return QStringLiteral("success");
    case EventOutcome::Failure:
        return QStringLiteral("failure");
    case EventOutcome::Unknown:
        break;
    }
    return oneLine(r.resultStatus);
}

QString toolTip(const EventRow &r, EventColumn column)
{
    switch (column) {
    case EventColumn::Time: {
        if (r.timeMs == kNoTime)
            return QStringLiteral("No time: a snapshot, not an action");
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(r.timeMs, QTimeZone::systemTimeZone());
        return QStringLiteral("%1\nlocal time %2").arg(formatTimeIso(r.timeMs), local.toString(Qt::ISODate));
    }
    case EventColumn::Country:
        if (const Country *c = findCountry(r.country))
            return qstr(c->name);
        return {};
    case EventColumn::Result:
        if (!r.resultStatus.empty())
            return oneLine(r.resultStatus);
        return {};
    case EventColumn::ClientApp:
        if (!r.userAgent.empty())
            return QStringLiteral("%1\nUser agent: %2").arg(oneLine(r.clientApp), oneLine(r.userAgent));
        return {};
    case EventColumn::Operation:
        if (!r.workload.empty())
            return QStringLiteral("%1 (%2)").arg(oneLine(r.operation), oneLine(r.workload));
        return {};
    default: {
        // Long cells are elided in the table; the tool tip shows them whole.
        const QString text = EventTableModel::displayText(r, column);
        return text.size() > 24 ? text : QString();
    }
    }
}

} // namespace

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_worker(std::make_unique<EventIdsWorker>())
{
    connect(m_worker.get(), &EventIdsWorker::finished, this, [this](const EventIdsWorker::Result &result) {
        if (result.generation != m_pending)
            return;
        m_pending = 0;
        if (!result.error.isEmpty()) {
            emit queryFailed(result.error);
            return;
        }
        beginResetModel();
        m_lastFromIndex = result.fromIndex;
        m_ids = result.ids;
        if (result.total >= 0)
            m_total = result.total;
        m_cache.clear();
        m_lru.clear();
        endResetModel();
        emit queryFinished(static_cast<qint64>(m_ids->size()), m_total, result.elapsedMs);
    });
    connect(m_worker.get(), &EventIdsWorker::indexReady, this, &EventTableModel::indexReady);
}

void EventTableModel::setIndexThreshold(std::int64_t events)
{
    m_worker->setIndexThreshold(events);
}

EventTableModel::~EventTableModel() = default;

bool EventTableModel::openCase(const QString &path, QString *error)
{
    closeCase();
    std::string message;
    if (!m_pages.open(path.toStdString(), false, &message)) {
        if (error)
            *error = QString::fromStdString(message);
        return false;
    }
    m_pages.database().exec("PRAGMA mmap_size=4294967296; PRAGMA query_only=1;");
    m_worker->open(path);
    run(true);
    m_worker->rebuildIndex();
    return true;
}

void EventTableModel::closeCase()
{
    m_worker->close();
    m_pending = 0;
    beginResetModel();
    m_ids.reset();
    m_cache.clear();
    m_lru.clear();
    m_total = -1;
    m_pages.close();
    endResetModel();
}

void EventTableModel::setQuery(const EventQuery &query)
{
    m_query = query;
    if (isOpen())
        run(false);
}

void EventTableModel::refresh()
{
    if (!isOpen())
        return;
    run(true);
    m_worker->rebuildIndex();
}

void EventTableModel::run(bool countAll)
{
    m_pending = m_worker->request(m_query, countAll);
    emit queryStarted();
}

std::int64_t EventTableModel::eventId(int row) const
{
    if (!m_ids || row < 0 || row >= static_cast<int>(m_ids->size()))
        return 0;
    return (*m_ids)[static_cast<std::size_t>(row)];
}

int EventTableModel::rowOfEvent(std::int64_t eventId) const
{
    if (!m_ids)
        return -1;
    const auto it = std::find(m_ids->begin(), m_ids->end(), eventId);
    return it == m_ids->end() ? -1 : static_cast<int>(it - m_ids->begin());
}

std::vector<int> EventTableModel::cachedPages() const
{
    std::vector<int> pages;
    for (const auto &[page, _] : m_cache)
        pages.push_back(page);
    std::sort(pages.begin(), pages.end());
    return pages;
}

const EventRow *EventTableModel::rowAt(int row) const
{
    if (!m_ids || row < 0 || row >= static_cast<int>(m_ids->size()))
        return nullptr;
    const int page = row / kPageSize;
    auto it = m_cache.find(page);
    if (it == m_cache.end()) {
        const std::size_t first = static_cast<std::size_t>(page) * kPageSize;
        const std::size_t count = std::min<std::size_t>(kPageSize, m_ids->size() - first);
        ++m_pageQueries;
        Page fresh{readEventRows(m_pages.database(), std::span(m_ids->data() + first, count)), {}};
        m_lru.push_front(page);
        fresh.lru = m_lru.begin();
        it = m_cache.emplace(page, std::move(fresh)).first;
        if (m_cache.size() > kMaxCachedPages) {
            m_cache.erase(m_lru.back());
            m_lru.pop_back();
        }
    } else if (it->second.lru != m_lru.begin()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second.lru);
    }
    const EventRow &r = it->second.rows[static_cast<std::size_t>(row - page * kPageSize)];
    return r.id ? &r : nullptr;
}

int EventTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_ids)
        return 0;
    return static_cast<int>(m_ids->size());
}

int EventTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kEventListColumnCount;
}

QString EventTableModel::columnTitle(EventColumn column)
{
    switch (column) {
    case EventColumn::Time:
        return QStringLiteral("Time (UTC)");
    case EventColumn::Kind:
        return QStringLiteral("Kind");
    case EventColumn::User:
        return QStringLiteral("User");
    case EventColumn::Ip:
        return QStringLiteral("IP address");
    case EventColumn::Country:
        return QStringLiteral("Country");
    case EventColumn::City:
        return QStringLiteral("City");
    case EventColumn::AsOrg:
        return QStringLiteral("Network (AS)");
    case EventColumn::Operation:
        return QStringLiteral("Operation");
    case EventColumn::Result:
        return QStringLiteral("Result");
    case EventColumn::App:
        return QStringLiteral("App");
    case EventColumn::ClientApp:
        return QStringLiteral("Client app");
    case EventColumn::Details:
        return QStringLiteral("Details");
    }
    return {};
}

QString EventTableModel::displayText(const EventRow &r, EventColumn column)
{
    switch (column) {
    case EventColumn::Time:
        return formatTimeUtc(r.timeMs);
    case EventColumn::Kind:
        return kindText(r.kind);
    case EventColumn::User:
        return oneLine(r.user);
    case EventColumn::Ip:
        return qstr(r.ip);
    case EventColumn::Country:
        return qstr(r.country);
    case EventColumn::City:
        return oneLine(r.city);
    case EventColumn::AsOrg:
        if (r.asn == 0)
            return oneLine(r.asOrg);
        return r.asOrg.empty() ? QStringLiteral("AS%1").arg(r.asn)
                               : QStringLiteral("AS%1 %2").arg(r.asn).arg(oneLine(r.asOrg));
    case EventColumn::Operation:
        return oneLine(r.operation);
    case EventColumn::Result:
        return resultText(r);
    case EventColumn::App:
        return oneLine(r.app);
    case EventColumn::ClientApp:
        return oneLine(r.clientApp);
    case EventColumn::Details:
        return detailsText(r);
    }
    return {};
}

QVariant EventTableModel::sortValue(const EventRow &r, EventColumn column)
{
    switch (column) {
    case EventColumn::Time:
        return QVariant::fromValue<qint64>(r.timeMs);
    case EventColumn::Kind:
        return static_cast<int>(r.kind);
    case EventColumn::User:
        return qstr(r.user);
    case EventColumn::Ip:
        return qstr(r.ip);
    case EventColumn::Country:
        return qstr(r.country);
    case EventColumn::City:
        return qstr(r.city);
    case EventColumn::AsOrg:
        return QVariant::fromValue<qint64>(r.asn);
    case EventColumn::Operation:
        return qstr(r.operation);
    case EventColumn::Result:
        return QVariant::fromValue<qint64>(r.resultCode);
    case EventColumn::App:
        return qstr(r.app);
    case EventColumn::ClientApp:
        return qstr(r.clientApp);
    case EventColumn::Details:
        for (const std::string *s : {&r.ruleName, &r.forwardTargets, &r.subject, &r.recipients}) {
            if (!s->empty())
                return qstr(*s);
        }
        return QString();
    }
    return {};
}

QVariant EventTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount() || index.column() >= kEventListColumnCount)
        return {};
    if (role == EventIdRole)
        return QVariant::fromValue<qint64>(eventId(index.row()));
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole && role != Qt::ForegroundRole)
        return {};
    const EventRow *r = rowAt(index.row());
    if (!r)
        return {};
    const EventColumn column = columnAt(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayText(*r, column);
    case SortRole:
        return sortValue(*r, column);
    case Qt::ToolTipRole: {
        const QString tip = toolTip(*r, column); // log text: shown as text, never as markup
        return tip.isEmpty() ? QVariant() : QVariant(plainToolTip(tip));
    }
    case Qt::ForegroundRole:
        if (column == EventColumn::Result && eventOutcome(r->resultCode, r->resultStatus) == EventOutcome::Failure)
            return QBrush(QColor(0xb0, 0x1e, 0x1e));
        if (column == EventColumn::Details && !r->forwardTargets.empty())
            return QBrush(QColor(0x9a, 0x4a, 0x00));
        return {};
    }
    return {};
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= kEventListColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return columnTitle(columnAt(section));
    if (role == Qt::ToolTipRole && columnAt(section) == EventColumn::Details)
        return QStringLiteral("Sign-ins: client app → app, failure reason. Audit: rule, forwarding targets, subject, recipients, parameters");
    return {};
}

void EventTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= kEventListColumnCount)
        return;
    const EventColumn sortColumn = columnAt(column);
    const bool descending = order == Qt::DescendingOrder;
    if (sortColumn == m_query.sortColumn && descending == m_query.descending)
        return;
    m_query.sortColumn = sortColumn;
    m_query.descending = descending;
    if (isOpen())
        run(false);
}

QString EventTableModel::rowsAsText(const QList<int> &rows, const QList<int> &columns) const
{
    auto clean = [](QString s) {
        for (QChar &c : s) {
            if (c == QLatin1Char('\t') || c == QLatin1Char('\n') || c == QLatin1Char('\r'))
                c = QLatin1Char(' ');
        }
        return s;
    };
    QString out;
    QStringList cells;
    for (const int c : columns)
        cells << columnTitle(columnAt(c));
    out += cells.join(QLatin1Char('\t')) + QLatin1Char('\n');
    if (!m_ids)
        return out;
    constexpr int kChunk = 512;
    std::vector<std::int64_t> ids;
    for (int start = 0; start < rows.size(); start += kChunk) {
        ids.clear();
        for (int i = start; i < std::min<int>(rows.size(), start + kChunk); ++i)
            ids.push_back(eventId(rows[i]));
        const std::vector<EventRow> chunk = readEventRows(m_pages.database(), ids);
        for (const EventRow &r : chunk) {
            cells.clear();
            for (const int c : columns) {
                const EventColumn column = columnAt(c);
                cells << (column == EventColumn::Time ? formatTimeIso(r.timeMs) : clean(displayText(r, column)));
            }
            out += cells.join(QLatin1Char('\t')) + QLatin1Char('\n');
        }
    }
    return out;
}

} // namespace mp::ui
