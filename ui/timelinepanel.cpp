#include "ui/timelinepanel.h"

#include "store/casestore.h"
#include "ui/casejob.h"
#include "ui/textformat.h"
#include "ui/timelinechart.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace mp::ui {

namespace {

constexpr std::int64_t kMinuteMs = 60 * 1000;

QString colored(const QColor &c, const QString &glyph)
{
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(c.name(), glyph);
}

} // namespace

TimelinePanel::TimelinePanel(SelectionHub *hub, QWidget *parent)
    : QWidget(parent)
    , m_hub(hub)
    , m_chart(new TimelineChart(this))
    , m_header(new QLabel(this))
    , m_key(new QLabel(this))
    , m_fitButton(new QToolButton(this))
    , m_clearButton(new QToolButton(this))
{
    setObjectName(QStringLiteral("TimelinePanel"));
    m_header->setTextFormat(Qt::PlainText);
    m_header->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_key->setTextFormat(Qt::RichText);
    const QColor grey(0x55, 0x5d, 0x66);
    m_key->setText(QStringLiteral("%1 signed in &nbsp;%2 failed (colour: country) &nbsp;%3 rule &nbsp;%4 forwarding "
                                  "&nbsp;%5 sends/h &nbsp;%6 finding")
                       .arg(colored(grey, QStringLiteral("●")), colored(grey, QStringLiteral("✕")),
                            colored(TimelineChart::ruleColor(), QStringLiteral("◆")),
                            colored(TimelineChart::forwardingColor(), QStringLiteral("▲")),
                            colored(TimelineChart::sendsColor(), QStringLiteral("▮")),
                            colored(TimelineChart::severityColor(Severity::High), QStringLiteral("▒"))));
    m_key->setToolTip(QStringLiteral("Drag: select a time range (every view filters to it) · wheel: zoom · "
                                     "right or Shift+drag: pan · double click: zoom in · Home: fit"));
    m_fitButton->setText(QStringLiteral("Fit"));
    m_fitButton->setToolTip(QStringLiteral("Show all the loaded activity (Home)"));
    m_clearButton->setText(QStringLiteral("Clear range"));
    m_clearButton->setToolTip(QStringLiteral("Drop the selected time range"));
    m_clearButton->setEnabled(false);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(6, 2, 6, 0);
    top->addWidget(m_header, 1);
    top->addWidget(m_key);
    top->addWidget(m_fitButton);
    top->addWidget(m_clearButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(top);
    layout->addWidget(m_chart, 1);

    connect(m_fitButton, &QToolButton::clicked, m_chart, &TimelineChart::fit);
    connect(m_clearButton, &QToolButton::clicked, this, &TimelinePanel::clearRange);
    connect(m_chart, &TimelineChart::rangeBrushed, this, &TimelinePanel::onBrushed);
    connect(m_chart, &TimelineChart::clicked, this,
            [this](const TimelineChart::Hit &hit) { onClicked(static_cast<int>(hit.kind), hit.lane, hit.index); });
    connect(m_hub, &SelectionHub::selectionChanged, this, &TimelinePanel::onSelectionChanged);
    updateHeader();
}

TimelinePanel::~TimelinePanel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void TimelinePanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // The key needs room; a narrow panel keeps it in the tool tip of the header.
    m_key->setVisible(width() >= 1000);
}

QSize TimelinePanel::sizeHint() const
{
    return {900, 330};
}

void TimelinePanel::openCase(const QString &path)
{
    closeCase();
    m_casePath = path;
    onSelectionChanged(m_hub->current(), nullptr);
}

void TimelinePanel::closeCase()
{
    if (m_cancel)
        m_cancel->store(true);
    m_pending = false;
    m_casePath.clear();
    m_hasRequest = false;
    m_focus = {};
    m_chart->setActivity(nullptr);
    m_chart->setBrush(kNoTime, kNoTime);
    updateHeader();
}

void TimelinePanel::reload()
{
    if (!m_casePath.isEmpty())
        request(m_hasRequest ? m_request : ActivityRequest{});
}

void TimelinePanel::onSelectionChanged(const Selection &selection, const QObject *origin)
{
    if (selection.kind == Selection::Kind::Event)
        return; // a row of the events table: the lanes stay as they are
    m_focus = selection;
    if (origin == this) {
        // Our own brush or click: the lanes stay, the marks follow.
        m_chart->setBrush(selection.fromMs, selection.toMs);
        m_chart->setHighlightedUser(selection.user);
        m_chart->setHighlightedFinding(selection.kind == Selection::Kind::Finding ? selection.id : -1);
        updateHeader();
        return;
    }
    if (m_casePath.isEmpty())
        return;
    ActivityRequest r;
    const std::string user = selection.user.toStdString();
    bool keep = false;
    switch (selection.kind) {
    case Selection::Kind::None:
        break;
    case Selection::Kind::User:
        r.users = {user};
        r.usersSharingFindingIps = true;
        break;
    case Selection::Kind::Finding:
    case Selection::Kind::Incident:
        if (!user.empty())
            r.users = {user};
        for (const QString &ip : selection.ips)
            r.ips.push_back(ip.toStdString());
        r.usersSharingFindingIps = r.ips.empty() && !user.empty();
        break;
    case Selection::Kind::Ip:
        if (!user.empty())
            r.users = {user};
        r.ips = {selection.key.toStdString()};
        break;
    case Selection::Kind::TimeRange:
        if (user.empty())
            keep = m_hasRequest; // a window on what is shown
        else
            r.users = {user};
        break;
    default:
        if (!user.empty()) {
            r.users = {user};
        } else {
            for (const QString &ip : selection.ips)
                r.ips.push_back(ip.toStdString());
        }
        break;
    }
    if (keep || (m_hasRequest && r == m_request && m_chart->activity()))
        applyFocus();
    else
        request(r);
}

void TimelinePanel::request(const ActivityRequest &r)
{
    m_request = r;
    m_hasRequest = true;
    if (m_cancel)
        m_cancel->store(true);
    m_pending = true;
    updateHeader();
    m_cancel = loadCaseData<ActivityData>(
        this, m_casePath,
        [r](Database &db, const std::atomic_bool &cancel) { return loadActivity(db, r, &cancel); },
        [this](std::shared_ptr<const ActivityData> data) {
            m_pending = false;
            onLoaded(std::move(data));
        });
}

void TimelinePanel::onLoaded(std::shared_ptr<const ActivityData> data)
{
    m_chart->setActivity(std::move(data));
    applyFocus();
    emit loaded();
}

void TimelinePanel::applyFocus()
{
    const Selection &s = m_focus;
    m_chart->setHighlightedUser(s.kind == Selection::Kind::Ip ? QString() : s.user);
    m_chart->setBrush(s.fromMs, s.toMs);
    std::int64_t findingId = -1;
    std::int64_t from = kNoTime, to = kNoTime;
    if (s.kind == Selection::Kind::Finding && m_chart->activity()) {
        for (const ActivityLane &lane : m_chart->activity()->lanes) {
            for (const ActivityFinding &f : lane.findings) {
                if (f.id == s.id || (!s.key.isEmpty() && qstr(f.fingerprint) == s.key)) {
                    findingId = f.id;
                    from = f.firstMs;
                    to = f.lastMs;
                }
            }
        }
    }
    if (from == kNoTime && s.hasTimeRange()) {
        from = s.fromMs;
        to = s.toMs;
    }
    if (from == kNoTime && !s.user.isEmpty() && m_chart->activity()) {
        // A user with findings: the trouble first, with context (Fit shows everything).
        for (const ActivityLane &lane : m_chart->activity()->lanes) {
            if (qstr(lane.user) != s.user)
                continue;
            for (const ActivityFinding &f : lane.findings) {
                if (f.suppressed)
                    continue;
                from = from == kNoTime ? f.firstMs : std::min(from, f.firstMs);
                to = to == kNoTime ? f.lastMs : std::max(to, f.lastMs);
            }
        }
    }
    m_chart->setHighlightedFinding(findingId);
    if (from != kNoTime && to != kNoTime) {
        // The span with as much again around it, so that what led up to it shows too.
        const std::int64_t span = std::max<std::int64_t>(to - from, 30 * kMinuteMs);
        m_chart->setVisibleRange(from - span * 2 / 3 - 10 * kMinuteMs, to + span * 2 / 3 + 10 * kMinuteMs);
    } else {
        m_chart->fit();
    }
    updateHeader();
}

void TimelinePanel::onBrushed(qint64 fromMs, qint64 toMs)
{
    const Selection &current = m_hub->current();
    if (current.isNone())
        m_hub->select(Selection::forTimeRange(fromMs, toMs), this);
    else
        m_hub->refine(current.withTimeRange(fromMs, toMs), this);
}

void TimelinePanel::clearRange()
{
    const Selection &current = m_hub->current();
    if (!current.hasTimeRange())
        return;
    if (current.kind == Selection::Kind::TimeRange && current.user.isEmpty())
        m_hub->refine(Selection{}, this);
    else
        m_hub->refine(current.withTimeRange(kNoTime, kNoTime), this);
}

void TimelinePanel::onClicked(int kind, int laneIndex, int index)
{
    const ActivityData *data = m_chart->activity();
    if (!data || laneIndex < 0 || laneIndex >= static_cast<int>(data->lanes.size()))
        return;
    const ActivityLane &lane = data->lanes[static_cast<std::size_t>(laneIndex)];
    const QString user = qstr(lane.user);
    const auto i = static_cast<std::size_t>(std::max(0, index));
    using Kind = TimelineChart::Hit::Kind;
    switch (static_cast<Kind>(kind)) {
    case Kind::None:
        return;
    case Kind::Lane:
        m_hub->select(Selection::forUser(user), this);
        return;
    case Kind::Session: {
        const ActivitySession &session = lane.sessions[i];
        Selection s = Selection::forTimeRange(session.startMs, session.endMs + 1000, user);
        for (const std::string &ip : session.ips)
            s.ips << qstr(ip);
        const QString place = session.city.empty() ? qstr(session.country) : qstr(session.city) + QStringLiteral(", ") + qstr(session.country);
        s.label = QStringLiteral("session of %1 from %2").arg(user, place.isEmpty() ? QStringLiteral("an unplaced address") : place);
        m_hub->select(s, this);
        return;
    }
    case Kind::SignIn:
        m_hub->select(Selection::forEvent(lane.signIns[i].eventId, QStringLiteral("sign-in of %1").arg(user)), this);
        return;
    case Kind::Marker: {
        const ActivityMarker &m = lane.markers[i];
        m_hub->select(Selection::forEvent(m.eventId, QStringLiteral("%1 by %2").arg(qstr(m.operation), user)), this);
        return;
    }
    case Kind::Finding: {
        const ActivityFinding &f = lane.findings[i];
        Selection s;
        s.kind = Selection::Kind::Finding;
        s.id = f.id;
        s.key = qstr(f.fingerprint);
        s.label = qstr(f.summary);
        s.user = user;
        for (const std::string &ip : f.ips)
            s.ips << qstr(ip);
        s.fromMs = f.firstMs;
        s.toMs = f.lastMs + 1;
        for (const std::int64_t id : f.evidence)
            s.eventIds << id;
        m_hub->select(s, this);
        return;
    }
    case Kind::Sends: {
        const ActivitySends &sends = lane.sendsPerHour[i];
        Selection s = Selection::forTimeRange(sends.hourMs, sends.hourMs + 3600 * 1000, user);
        s.label = QStringLiteral("sends of %1").arg(user);
        m_hub->select(s, this);
        return;
    }
    }
}

QString TimelinePanel::headerText() const
{
    return m_header->text();
}

void TimelinePanel::updateHeader()
{
    m_clearButton->setEnabled(m_focus.hasTimeRange());
    QString text;
    const ActivityData *data = m_chart->activity();
    if (m_casePath.isEmpty()) {
        text = QStringLiteral("No case open");
    } else if (isBusy() && !data) {
        text = QStringLiteral("Reading activity…");
    } else if (data && !data->error.empty()) {
        text = QStringLiteral("Cannot read the activity: %1").arg(qstr(data->error));
    } else if (data) {
        std::int64_t signIns = 0, sessions = 0;
        for (const ActivityLane &lane : data->lanes) {
            signIns += static_cast<std::int64_t>(lane.signIns.size());
            sessions += static_cast<std::int64_t>(lane.sessions.size());
        }
        const qsizetype lanes = static_cast<qsizetype>(data->lanes.size());
        if (m_request.users.empty() && m_request.ips.empty())
            text = QStringLiteral("Whole case: %1 user%2").arg(lanes).arg(lanes == 1 ? QString() : QStringLiteral("s"));
        else if (!m_request.users.empty())
            text = QStringLiteral("%1%2").arg(qstr(m_request.users.front()),
                                              lanes > 1 ? QStringLiteral(" and %1 user%2 on the same addresses").arg(lanes - 1).arg(lanes == 2 ? QString() : QStringLiteral("s"))
                                                        : QString());
        else
            text = QStringLiteral("Users of %1").arg(qstr(m_request.ips.front()));
        if (data->otherUsers > 0)
            text += QStringLiteral(" (%1 more not shown)").arg(data->otherUsers);
        text += QStringLiteral(" · %1 sign-ins in %2 sessions").arg(formatCount(signIns), formatCount(sessions));
        if (isBusy())
            text += QStringLiteral(" · reading…");
    }
    m_header->setText(text);
    QString tip = m_key->text() + QStringLiteral("<br>") + m_key->toolTip().toHtmlEscaped();
    if (!m_focus.isNone())
        tip.prepend(QStringLiteral("Following: %1<br>").arg(m_focus.describe().toHtmlEscaped()));
    m_header->setToolTip(tip);
}

} // namespace mp::ui
