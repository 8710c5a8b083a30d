#include "ui/detailspanel.h"

#include "store/entityprofile.h"
#include "store/findingstore.h"
#include "ui/casejob.h"
#include "ui/findingsmodel.h"
#include "ui/htmlformat.h"
#include "ui/textformat.h"

#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

namespace mp::ui {

using html::esc;

namespace {

constexpr std::size_t kMaxEvidenceShown = 200;

QString countList(const std::vector<std::pair<std::string, std::int64_t>> &items, std::size_t limit = 12)
{
    QStringList parts;
    for (std::size_t i = 0; i < items.size() && i < limit; ++i)
        parts << QStringLiteral("%1 (%2)").arg(esc(items[i].first), formatCount(items[i].second));
    if (items.size() > limit)
        parts << QStringLiteral("… %1 more").arg(items.size() - limit);
    return parts.isEmpty() ? QStringLiteral("—") : parts.join(QStringLiteral(", "));
}

} // namespace

DetailsPanel::DetailsPanel(const FindingsModel *findings, QWidget *parent)
    : QWidget(parent)
    , m_findings(findings)
    , m_browser(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("DetailsPanel"));
    m_browser->setOpenLinks(false);
    m_browser->setOpenExternalLinks(false);
    m_browser->document()->setDefaultStyleSheet(html::styleSheet());
    connect(m_browser, &QTextBrowser::anchorClicked, this, &DetailsPanel::linkClicked);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_browser);
    render();
}

DetailsPanel::~DetailsPanel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void DetailsPanel::setCase(const QString &casePath)
{
    m_casePath = casePath;
    showSelection({});
}

QString DetailsPanel::html() const
{
    return m_browser->toHtml();
}

QString DetailsPanel::plainText() const
{
    return m_browser->toPlainText();
}

QString DetailsPanel::link(const Selection &target, const QString &text)
{
    m_links << target;
    return html::selectLink(m_links.size() - 1, text);
}

void DetailsPanel::linkClicked(const QUrl &url)
{
    const html::PageLink link = html::pageLink(url);
    if (link.kind == html::PageLink::Kind::Event)
        emit eventActivated(link.value);
    else if (link.kind == html::PageLink::Kind::Select && link.value < m_links.size())
        emit selectionRequested(m_links.at(static_cast<qsizetype>(link.value)));
}

void DetailsPanel::showSelection(const Selection &selection)
{
    // Browsing the evidence of a finding keeps the finding in view.
    if (selection.kind == Selection::Kind::Event && m_selection.eventIds.contains(selection.id))
        return;
    if (m_cancel)
        m_cancel->store(true);
    m_cancel.reset();
    m_selection = selection;
    m_links.clear();
    m_body.clear();
    m_loading = false;
    if (m_casePath.isEmpty()) {
        render();
        return;
    }
    switch (selection.kind) {
    case Selection::Kind::Finding: {
        m_loading = true;
        m_cancel = runCaseJob<std::vector<EvidenceEvent>>(
            this, m_casePath,
            [id = selection.id](CaseStore &store, const std::atomic_bool &) { return FindingStore(store).evidence(id); },
            [this](std::vector<EvidenceEvent> evidence, const QString &error) {
                m_loading = false;
                QString body = QStringLiteral("<h3>Evidence (%1 event%2)</h3>")
                                   .arg(formatCount(static_cast<std::int64_t>(evidence.size())))
                                   .arg(evidence.size() == 1 ? QString() : QStringLiteral("s"));
                if (!error.isEmpty())
                    body += QStringLiteral("<p class='fail'>%1</p>").arg(esc(error));
                body += QStringLiteral("<table class='grid' cellspacing='0'><tr><th>Time (UTC)</th><th>Operation</th><th>IP</th><th>Event</th></tr>");
                for (std::size_t i = 0; i < evidence.size() && i < kMaxEvidenceShown; ++i) {
                    const EvidenceEvent &e = evidence[i];
                    body += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                                .arg(html::eventLink(e.eventId, formatTimeUtc(e.timeMs)), esc(e.operation), esc(e.ip),
                                     html::eventLink(e.eventId, QString::number(e.eventId)));
                }
                body += QStringLiteral("</table>");
                if (evidence.size() > kMaxEvidenceShown)
                    body += QStringLiteral("<p class='muted'>… %1 more: the events table lists them all.</p>")
                                .arg(formatCount(static_cast<std::int64_t>(evidence.size() - kMaxEvidenceShown)));
                m_body = body;
                render();
            });
        break;
    }
    case Selection::Kind::User:
    case Selection::Kind::Ip: {
        m_loading = true;
        const bool user = selection.kind == Selection::Kind::User;
        m_cancel = runCaseJob<EntityProfile>(
            this, m_casePath,
            [user, key = selection.key.toStdString()](CaseStore &store, const std::atomic_bool &cancel) {
                return user ? userProfile(store.database(), key, &cancel) : ipProfile(store.database(), key, &cancel);
            },
            [this, user](EntityProfile p, const QString &error) {
                m_loading = false;
                QString body;
                if (!error.isEmpty())
                    body += QStringLiteral("<p class='fail'>%1</p>").arg(esc(error));
                body += QStringLiteral("<table class='kv' cellspacing='0'>");
                auto row = [&](const QString &k, const QString &v) {
                    body += QStringLiteral("<tr><td class='k'>%1</td><td>%2</td></tr>").arg(k, v);
                };
                row(QStringLiteral("Events"), formatCount(p.events));
                row(QStringLiteral("Sign-ins"), QStringLiteral("%1 (<span class='ok'>%2 succeeded</span>, <span class='fail'>%3 failed</span>)")
                                                     .arg(formatCount(p.signIns), formatCount(p.signInSuccesses),
                                                          formatCount(p.signInFailures)));
                row(QStringLiteral("Sends"), formatCount(p.sends));
                row(QStringLiteral("First seen"), formatTimeUtc(p.firstMs) + QStringLiteral(" UTC"));
                row(QStringLiteral("Last seen"), formatTimeUtc(p.lastMs) + QStringLiteral(" UTC"));
                row(QStringLiteral("Countries"), countList(p.countries));
                row(QStringLiteral("Networks"), countList(p.networks, 8));
                QStringList peers;
                for (const auto &[peer, count] : p.peers) {
                    const QString key = qstr(peer);
                    peers << QStringLiteral("%1 (%2)").arg(link(user ? Selection::forIp(key) : Selection::forUser(key), esc(key)),
                                                           formatCount(count));
                }
                if (p.peerCount > static_cast<std::int64_t>(p.peers.size()))
                    peers << QStringLiteral("… %1 more").arg(p.peerCount - static_cast<std::int64_t>(p.peers.size()));
                row(user ? QStringLiteral("IPs") : QStringLiteral("Users"), peers.isEmpty() ? QStringLiteral("—") : peers.join(QStringLiteral(", ")));
                body += QStringLiteral("</table>");
                m_body = body;
                render();
            });
        break;
    }
    default:
        break;
    }
    render();
}

void DetailsPanel::render()
{
    // Links stay numbered for the whole selection (the background part is rendered into m_body
    // with its own), so they are only forgotten when the selection changes.
    QString out;
    const Selection &s = m_selection;
    if (m_casePath.isEmpty()) {
        m_browser->setHtml(QStringLiteral("<p class='muted'>No case open.</p>"));
        return;
    }
    switch (s.kind) {
    case Selection::Kind::None:
        out = QStringLiteral("<p class='muted'>Select a finding, an incident, a user or an IP to see it in full.</p>");
        break;
    case Selection::Kind::Finding: {
        const StoredFinding *sf = m_findings->findingById(s.id);
        if (!sf || qstr(sf->finding.fingerprint) != s.key) {
            out = QStringLiteral("<p class='muted'>This finding is no longer in the case (detection ran again).</p>");
            break;
        }
        const Finding &f = sf->finding;
        out += QStringLiteral("<h2>%1 %2</h2>").arg(html::badge(f.severity, !f.suppressedBy.empty()), esc(f.detector));
        out += QStringLiteral("<p>%1</p>").arg(esc(f.summary));
        out += QStringLiteral("<table class='kv' cellspacing='0'>");
        auto row = [&](const QString &k, const QString &v) {
            out += QStringLiteral("<tr><td class='k'>%1</td><td>%2</td></tr>").arg(k, v);
        };
        row(QStringLiteral("Score"), QString::number(f.score, 'f', 0));
        if (!f.user.empty())
            row(QStringLiteral("User"), link(Selection::forUser(qstr(f.user)), esc(f.user)));
        QStringList ips;
        for (const std::string &ip : f.ips)
            ips << link(Selection::forIp(qstr(ip)), esc(ip));
        row(QStringLiteral("IPs"), ips.isEmpty() ? QStringLiteral("—") : ips.join(QStringLiteral(", ")));
        row(QStringLiteral("First"), formatTimeUtc(f.firstTimeMs) + QStringLiteral(" UTC"));
        row(QStringLiteral("Last"), formatTimeUtc(f.lastTimeMs) + QStringLiteral(" UTC"));
        if (!f.suppressedBy.empty())
            row(QStringLiteral("Suppressed by"), QStringLiteral("<i>%1</i>").arg(esc(f.suppressedBy)));
        row(QStringLiteral("Triage"), FindingsModel::triageText(sf->triage.state)
                                          + (sf->triage.note.empty() ? QString() : QStringLiteral(" — ") + esc(sf->triage.note)));
        row(QStringLiteral("Fingerprint"), QStringLiteral("<span class='muted'>%1</span>").arg(esc(f.fingerprint)));
        out += QStringLiteral("</table><h3>Details</h3>") + html::jsonDetails(f.details);
        out += m_loading ? QStringLiteral("<h3>Evidence</h3><p class='muted'>Reading the evidence…</p>") : m_body;
        break;
    }
    case Selection::Kind::Incident: {
        const StoredIncident *si = nullptr;
        for (const StoredIncident &i : m_findings->snapshot().incidents) {
            if (qstr(i.incident.fingerprint) == s.key)
                si = &i;
        }
        if (!si) {
            out = QStringLiteral("<p class='muted'>This incident is no longer in the case (detection ran again).</p>");
            break;
        }
        const Incident &inc = si->incident;
        out += QStringLiteral("<h2>%1 Incident %2</h2><p>%3</p>").arg(html::badge(inc.severity)).arg(si->id).arg(esc(inc.summary));
        out += QStringLiteral("<table class='kv' cellspacing='0'><tr><td class='k'>User</td><td>%1</td></tr>"
                              "<tr><td class='k'>Score</td><td>%2</td></tr><tr><td class='k'>From</td><td>%3 UTC</td></tr>"
                              "<tr><td class='k'>To</td><td>%4 UTC</td></tr><tr><td class='k'>Triage</td><td>%5</td></tr></table>")
                   // One multi-argument call: a '%1' in log text is never taken for a placeholder.
                   .arg(link(Selection::forUser(qstr(inc.user)), esc(inc.user)), QString::number(inc.score, 'f', 0),
                        formatTimeUtc(inc.firstTimeMs), formatTimeUtc(inc.lastTimeMs),
                        FindingsModel::triageText(si->triage.state)
                            + (si->triage.note.empty() ? QString() : QStringLiteral(" — ") + esc(si->triage.note)));
        out += QStringLiteral("<h3>The story, in order</h3><table class='grid' cellspacing='0'>"
                              "<tr><th>Time (UTC)</th><th>Severity</th><th>Detector</th><th>Summary</th></tr>");
        for (const StoredFinding *f : m_findings->findingsOf(*si)) {
            Selection target;
            target.kind = Selection::Kind::Finding;
            target.key = qstr(f->finding.fingerprint);
            target.id = f->id;
            out += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                       .arg(formatTimeUtc(f->finding.firstTimeMs), html::badge(f->finding.severity),
                            link(target, esc(f->finding.detector)), esc(f->finding.summary));
        }
        out += QStringLiteral("</table>");
        break;
    }
    case Selection::Kind::User:
    case Selection::Kind::Ip: {
        const bool user = s.kind == Selection::Kind::User;
        out += QStringLiteral("<h2>%1 %2</h2>").arg(user ? QStringLiteral("User") : QStringLiteral("IP"), esc(s.key));
        out += m_loading ? QStringLiteral("<p class='muted'>Reading the case…</p>") : m_body;
        out += QStringLiteral("<h3>Findings</h3>");
        int n = 0;
        QString rows;
        for (const StoredFinding &f : m_findings->snapshot().findings) {
            const bool concerns = user ? qstr(f.finding.user) == s.key
                                       : std::find(f.finding.ips.begin(), f.finding.ips.end(), s.key.toStdString()) != f.finding.ips.end();
            if (!concerns)
                continue;
            ++n;
            Selection target;
            target.kind = Selection::Kind::Finding;
            target.key = qstr(f.finding.fingerprint);
            target.id = f.id;
            rows += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                        .arg(html::badge(f.finding.severity, !f.finding.suppressedBy.empty()), link(target, esc(f.finding.detector)),
                             formatTimeUtc(f.finding.firstTimeMs), esc(f.finding.summary));
        }
        out += n == 0 ? QStringLiteral("<p class='muted'>None.</p>")
                      : QStringLiteral("<table class='grid' cellspacing='0'>%1</table>").arg(rows);
        break;
    }
    case Selection::Kind::Event: {
        // The record is in the Record panel; here, the findings this event is evidence of.
        out += QStringLiteral("<h2>Event %1</h2><p class='muted'>Its original record is in the Record panel.</p>").arg(s.id);
        QString rows;
        for (const StoredFinding &f : m_findings->snapshot().findings) {
            if (std::find(f.finding.evidence.begin(), f.finding.evidence.end(), s.id) == f.finding.evidence.end())
                continue;
            Selection target;
            target.kind = Selection::Kind::Finding;
            target.key = qstr(f.finding.fingerprint);
            target.id = f.id;
            rows += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                        .arg(html::badge(f.finding.severity, !f.finding.suppressedBy.empty()), link(target, esc(f.finding.detector)),
                             esc(f.finding.summary));
        }
        out += rows.isEmpty() ? QStringLiteral("<p>Evidence of no finding.</p>")
                              : QStringLiteral("<h3>Evidence of</h3><table class='grid' cellspacing='0'>%1</table>").arg(rows);
        break;
    }
    default:
        out = QStringLiteral("<h2>%1</h2>").arg(esc(s.describe()));
        break;
    }
    m_browser->setHtml(out);
}

} // namespace mp::ui
