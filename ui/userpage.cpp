#include "ui/userpage.h"

#include "store/entityprofile.h"
#include "store/findingstore.h"
#include "ui/casejob.h"
#include "ui/findingsmodel.h"
#include "ui/htmlformat.h"
#include "ui/textformat.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace mp::ui {

using html::esc;

namespace {

constexpr std::size_t kEvidencePerFinding = 25;
constexpr std::size_t kMaxHourRows = 96;
constexpr int kBarWidth = 50; // characters of the longest bar

struct UserPageData
{
    EntityProfile profile;
    std::vector<StoredFinding> findings;   // the user's, in run order
    std::vector<StoredIncident> incidents; // the user's
    std::map<std::int64_t, std::vector<EvidenceEvent>> evidence; // finding id -> first rows
    qint64 elapsedMs = 0;
};

UserPageData readUserPage(CaseStore &store, const std::string &user, const std::atomic_bool &cancel)
{
    QElapsedTimer timer;
    timer.start();
    UserPageData d;
    d.profile = userProfile(store.database(), user, &cancel);
    if (d.profile.cancelled)
        return d;
    FindingStore findings(store);
    d.findings = findings.findingsOfUser(d.profile.key);
    for (StoredIncident &i : findings.incidents()) {
        if (i.incident.user == d.profile.key)
            d.incidents.push_back(std::move(i));
    }
    // The first rows of each finding's evidence: finding_evidence's key, a few steps each.
    Statement s(store.database(), "SELECT e.id, e.time, e.operation, e.ip FROM finding_evidence fe "
                                  "JOIN events e ON e.id = fe.event_id WHERE fe.finding_id = ? ORDER BY fe.position LIMIT ?");
    for (const StoredFinding &f : d.findings) {
        if (cancel.load())
            break;
        s.bind(1, f.id);
        s.bind(2, static_cast<std::int64_t>(kEvidencePerFinding));
        std::vector<EvidenceEvent> &rows = d.evidence[f.id];
        while (s.step())
            rows.push_back({f.id, s.int64(0), s.isNull(1) ? kNoTime : s.int64(1), s.text(2), s.text(3)});
        s.reset();
    }
    d.elapsedMs = timer.elapsed();
    return d;
}

QString placeName(const PlaceSignIns &p)
{
    QString place = p.country.empty() ? QStringLiteral("unknown place") : esc(p.country);
    if (!p.city.empty())
        place = esc(p.city) + QStringLiteral(", ") + place;
    return place;
}

} // namespace

UserPage::UserPage(QWidget *parent)
    : QWidget(parent)
    , m_chooser(new QComboBox(this))
    , m_status(new QLabel(this))
    , m_browser(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("UserPage"));
    m_chooser->setEditable(true);
    m_chooser->setInsertPolicy(QComboBox::NoInsert);
    m_chooser->setMinimumContentsLength(28);
    m_chooser->lineEdit()->setPlaceholderText(QStringLiteral("user@domain"));
    connect(m_chooser, &QComboBox::textActivated, this, [this](const QString &text) { showUser(text.trimmed()); });
    connect(m_chooser->lineEdit(), &QLineEdit::returnPressed, this, [this] { showUser(m_chooser->currentText().trimmed()); });
    m_browser->setOpenLinks(false);
    m_browser->document()->setDefaultStyleSheet(html::styleSheet());
    connect(m_browser, &QTextBrowser::anchorClicked, this, &UserPage::linkClicked);
    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(new QLabel(QStringLiteral("Mailbox"), this));
    top->addWidget(m_chooser);
    m_status->setTextFormat(Qt::PlainText); // it names the mailbox, which comes from the log
    top->addWidget(m_status, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_browser, 1);
    m_browser->setHtml(QStringLiteral("<p class='muted'>Choose a mailbox, or open a user's page from the Findings panel.</p>"));
}

UserPage::~UserPage()
{
    if (m_cancel)
        m_cancel->store(true);
}

void UserPage::setCase(const QString &casePath)
{
    if (m_cancel)
        m_cancel->store(true);
    m_casePath = casePath;
    m_user.clear();
    m_loading = false;
    m_chooser->clear();
    m_status->clear();
    m_browser->setHtml(QStringLiteral("<p class='muted'>Choose a mailbox, or open a user's page from the Findings panel.</p>"));
}

void UserPage::setUsers(const QStringList &users)
{
    const QString text = m_chooser->currentText();
    m_chooser->blockSignals(true);
    m_chooser->clear();
    m_chooser->addItems(users);
    m_chooser->setEditText(text);
    m_chooser->blockSignals(false);
}

QString UserPage::html() const
{
    return m_browser->toHtml();
}

QString UserPage::plainText() const
{
    return m_browser->toPlainText();
}

void UserPage::linkClicked(const QUrl &url)
{
    const html::PageLink link = html::pageLink(url);
    if (link.kind == html::PageLink::Kind::Event)
        emit eventActivated(link.value);
    else if (link.kind == html::PageLink::Kind::Select && link.value < m_links.size())
        emit selectionRequested(m_links.at(static_cast<qsizetype>(link.value)));
}

void UserPage::showUser(const QString &user)
{
    if (m_casePath.isEmpty() || user.isEmpty())
        return;
    if (m_cancel)
        m_cancel->store(true);
    m_user = user.toLower();
    m_chooser->setEditText(m_user);
    m_loading = true;
    m_status->setText(QStringLiteral("Reading %1…").arg(m_user));
    m_cancel = runCaseJob<UserPageData>(
        this, m_casePath,
        [user = m_user.toStdString()](CaseStore &store, const std::atomic_bool &cancel) { return readUserPage(store, user, cancel); },
        [this](UserPageData d, const QString &error) {
            m_loading = false;
            m_links.clear();
            auto link = [this](const Selection &target, const QString &text) {
                m_links << target;
                return html::selectLink(m_links.size() - 1, text);
            };
            auto findingLink = [&](const StoredFinding &f, const QString &text) {
                Selection target;
                target.kind = Selection::Kind::Finding;
                target.key = qstr(f.finding.fingerprint);
                target.id = f.id;
                return link(target, text);
            };
            const EntityProfile &p = d.profile;
            QString out;
            if (!error.isEmpty())
                out += QStringLiteral("<p class='fail'>%1</p>").arg(esc(error));
            out += QStringLiteral("<h2>%1</h2>").arg(link(Selection::forUser(m_user), esc(m_user)));
            out += QStringLiteral("<p>%1 events from %2 to %3 UTC · %4 sign-ins (<span class='ok'>%5 succeeded</span>, "
                                  "<span class='fail'>%6 failed</span>) from %7 place%8 · %9 sends · %10 rule or forwarding change%11</p>")
                       .arg(formatCount(p.events), formatTimeUtc(p.firstMs), formatTimeUtc(p.lastMs), formatCount(p.signIns),
                            formatCount(p.signInSuccesses), formatCount(p.signInFailures))
                       .arg(p.places.size())
                       .arg(p.places.size() == 1 ? QString() : QStringLiteral("s"))
                       .arg(formatCount(p.sends))
                       .arg(p.rules.size() + static_cast<std::size_t>(p.rulesOmitted))
                       .arg(p.rules.size() == 1 ? QString() : QStringLiteral("s"));

            // The story: incidents in order, their findings in order; then the other findings.
            out += QStringLiteral("<h3>Incident story</h3>");
            if (d.findings.empty())
                out += QStringLiteral("<p class='muted'>No findings for this mailbox in the last detection run.</p>");
            std::vector<bool> told(d.findings.size(), false);
            auto findingRows = [&](auto accept) -> QString {
                QString rows = QStringLiteral("<table class='grid' cellspacing='0'><tr><th>Time (UTC)</th><th>Severity</th>"
                                              "<th>Detector</th><th>Summary</th><th>Triage</th></tr>");
                for (std::size_t i = 0; i < d.findings.size(); ++i) {
                    const StoredFinding &f = d.findings[i];
                    if (!accept(f))
                        continue;
                    told[i] = true;
                    QString summary = esc(f.finding.summary);
                    if (!f.finding.suppressedBy.empty())
                        summary += QStringLiteral(" <i class='muted'>(suppressed by %1)</i>").arg(esc(f.finding.suppressedBy));
                    rows += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5</td></tr>")
                                .arg(formatTimeUtc(f.finding.firstTimeMs), html::badge(f.finding.severity, !f.finding.suppressedBy.empty()),
                                     findingLink(f, esc(f.finding.detector)), summary, FindingsModel::triageText(f.triage.state));
                }
                rows += QStringLiteral("</table>");
                return rows;
            };
            for (const StoredIncident &inc : d.incidents) {
                Selection target;
                target.kind = Selection::Kind::Incident;
                target.key = qstr(inc.incident.fingerprint);
                target.id = inc.id;
                // One multi-argument call: a '%1' in log text is never taken for a placeholder.
                out += QStringLiteral("<p>%1 %2 · score %3 · %4 – %5 UTC · triage: %6</p>")
                           .arg(html::badge(inc.incident.severity), link(target, esc(inc.incident.summary)),
                                QString::number(inc.incident.score, 'f', 0), formatTimeUtc(inc.incident.firstTimeMs),
                                formatTimeUtc(inc.incident.lastTimeMs), FindingsModel::triageText(inc.triage.state));
                out += findingRows([&](const StoredFinding &f) { return f.finding.incidentId == inc.id; });
            }
            if (std::find(told.begin(), told.end(), false) != told.end()) {
                out += QStringLiteral("<p><b>%1</b></p>").arg(d.incidents.empty() ? QStringLiteral("Findings") : QStringLiteral("Findings outside incidents"));
                out += findingRows([&](const StoredFinding &f) { return f.finding.incidentId == 0; });
            }

            // Sign-ins by place.
            out += QStringLiteral("<h3>Sign-ins by place</h3>");
            if (p.places.empty()) {
                out += QStringLiteral("<p class='muted'>No sign-ins.</p>");
            } else {
                out += QStringLiteral("<table class='grid' cellspacing='0'><tr><th>Place</th><th>Network</th><th>Succeeded</th>"
                                      "<th>Failed</th><th>First (UTC)</th><th>Last (UTC)</th><th>IPs</th></tr>");
                for (const PlaceSignIns &pl : p.places) {
                    QStringList ips;
                    for (const std::string &ip : pl.ips)
                        ips << link(Selection::forIp(qstr(ip)), esc(ip));
                    const QString network = pl.asn ? QStringLiteral("AS%1 %2").arg(pl.asn).arg(esc(pl.asOrg)) : QStringLiteral("—");
                    out += QStringLiteral("<tr><td>%1</td><td>%2</td><td class='ok'>%3</td><td class='fail'>%4</td><td>%5</td><td>%6</td><td>%7</td></tr>")
                               .arg(placeName(pl), network, pl.successes ? formatCount(pl.successes) : QString(),
                                    pl.failures ? formatCount(pl.failures) : QString(), formatTimeUtc(pl.firstMs),
                                    formatTimeUtc(pl.lastMs), ips.join(QStringLiteral(", ")));
                }
                out += QStringLiteral("</table>");
            }

            // Rules and forwarding with their parameters.
            out += QStringLiteral("<h3>Inbox rules and forwarding</h3>");
            if (p.rules.empty()) {
                out += QStringLiteral("<p class='muted'>No rule or forwarding changes, no rule snapshot rows.</p>");
            } else {
                out += QStringLiteral("<table class='grid' cellspacing='0'><tr><th>Time (UTC)</th><th>Operation</th><th>Rule</th>"
                                      "<th>Forwards to</th><th>Parameters</th><th>IP</th></tr>");
                for (const RuleChange &r : p.rules) {
                    QString targets = esc(r.forwardTargets);
                    targets.replace(QLatin1Char(';'), QStringLiteral("<br>"));
                    out += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td class='fail'>%4</td><td>%5</td><td>%6</td></tr>")
                               .arg(html::eventLink(r.eventId, r.timeMs == kNoTime ? QStringLiteral("snapshot") : formatTimeUtc(r.timeMs)),
                                    esc(r.operation), esc(r.ruleName), targets, html::parameters(r.parameters), esc(r.ip));
                }
                out += QStringLiteral("</table>");
                if (p.rulesOmitted > 0)
                    out += QStringLiteral("<p class='muted'>… %1 more: filter the events table.</p>").arg(formatCount(p.rulesOmitted));
            }

            // Sends per hour, as bars (hours without sends left out).
            out += QStringLiteral("<h3>Sends per hour</h3>");
            if (p.sendsPerHour.empty()) {
                out += QStringLiteral("<p class='muted'>No sends.</p>");
            } else {
                std::int64_t peak = 0;
                for (const auto &[hour, n] : p.sendsPerHour)
                    peak = std::max(peak, n);
                std::vector<std::pair<std::int64_t, std::int64_t>> hours = p.sendsPerHour;
                QString note;
                if (hours.size() > kMaxHourRows) {
                    // The busiest hours, back in time order.
                    std::stable_sort(hours.begin(), hours.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
                    hours.resize(kMaxHourRows);
                    std::sort(hours.begin(), hours.end());
                    note = QStringLiteral("<p class='muted'>The %1 busiest of %2 hours with sends.</p>").arg(kMaxHourRows).arg(p.sendsPerHour.size());
                }
                // Hours that overlap a standing finding of the user are drawn red: the attacker's
                // sends stand out from the mailbox's ordinary rhythm.
                auto duringFinding = [&](std::int64_t hour) {
                    return std::any_of(d.findings.begin(), d.findings.end(), [&](const StoredFinding &f) {
                        return f.finding.suppressedBy.empty() && f.finding.firstTimeMs != kNoTime
                               && f.finding.firstTimeMs < hour + 3600000 && f.finding.lastTimeMs >= hour;
                    });
                };
                out += QStringLiteral("<table cellspacing='0'>");
                for (const auto &[hour, n] : hours) {
                    const int width = std::max<int>(1, static_cast<int>(kBarWidth * n / std::max<std::int64_t>(1, peak)));
                    const bool hot = duringFinding(hour);
                    out += QStringLiteral("<tr><td>%1</td><td align='right'>%2</td><td><span style='color:%3'>%4</span>%5</td></tr>")
                               .arg(formatTimeUtc(hour).left(16), formatCount(n), hot ? QStringLiteral("#c92a2a") : QStringLiteral("#8aa4c8"),
                                    QString(width, QChar(0x2588)), hot ? QStringLiteral(" <b class='fail'>during a finding</b>") : QString());
                }
                out += QStringLiteral("</table>") + note;
            }

            // The evidence behind each finding.
            out += QStringLiteral("<h3>Evidence behind each finding</h3>");
            for (const StoredFinding &f : d.findings) {
                const auto it = d.evidence.find(f.id);
                out += QStringLiteral("<p>%1 %2 · %3 event%4</p>")
                           .arg(html::badge(f.finding.severity, !f.finding.suppressedBy.empty()), findingLink(f, esc(f.finding.detector)))
                           .arg(f.finding.evidence.size())
                           .arg(f.finding.evidence.size() == 1 ? QString() : QStringLiteral("s"));
                if (it == d.evidence.end())
                    continue;
                out += QStringLiteral("<table class='grid' cellspacing='0'><tr><th>Time (UTC)</th><th>Operation</th><th>IP</th></tr>");
                for (const EvidenceEvent &e : it->second)
                    out += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                               .arg(html::eventLink(e.eventId, formatTimeUtc(e.timeMs)), esc(e.operation), esc(e.ip));
                out += QStringLiteral("</table>");
                if (f.finding.evidence.size() > it->second.size())
                    out += QStringLiteral("<p class='muted'>… %1 more: select the finding to list them all.</p>")
                               .arg(f.finding.evidence.size() - it->second.size());
            }
            m_browser->setHtml(out);
            m_status->setText(QStringLiteral("%1 events read in %2 ms").arg(formatCount(p.events)).arg(d.elapsedMs));
        });
}

} // namespace mp::ui
