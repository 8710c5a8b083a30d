#include "ui/findingspanel.h"

#include "ui/casejob.h"
#include "ui/findingsmodel.h"
#include "ui/itemroles.h"
#include "ui/severitydelegate.h"
#include "ui/textformat.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace mp::ui {

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;

// The /24 (IPv4) or /48 (IPv6) around an address, for "trust this network".
QString networkOf(const QString &ip)
{
    if (ip.contains(QLatin1Char(':'))) {
        const QStringList groups = ip.split(QLatin1Char(':'));
        if (groups.size() < 3 || ip.contains(QStringLiteral("::")))
            return {};
        return QStringList(groups.mid(0, 3)).join(QLatin1Char(':')) + QStringLiteral("::/48");
    }
    const QStringList octets = ip.split(QLatin1Char('.'));
    if (octets.size() != 4)
        return {};
    return QStringList(octets.mid(0, 3)).join(QLatin1Char('.')) + QStringLiteral(".0/24");
}

} // namespace

FindingsPanel::FindingsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new FindingsModel(this))
    , m_proxy(new FindingsFilterModel(this))
    , m_summary(new QLabel(this))
    , m_severity(new QComboBox(this))
    , m_state(new QComboBox(this))
    , m_detector(new QComboBox(this))
    , m_showSuppressed(new QCheckBox(QStringLiteral("Suppressed"), this))
    , m_view(new QTreeView(this))
    , m_editorLabel(new QLabel(this))
    , m_triageState(new QComboBox(this))
    , m_note(new QLineEdit(this))
    , m_save(new QPushButton(QStringLiteral("Save triage"), this))
{
    setObjectName(QStringLiteral("FindingsPanel"));
    m_proxy->setSourceModel(m_model);

    m_severity->addItem(QStringLiteral("Any severity"), int(Severity::Informational));
    m_severity->addItem(QStringLiteral("Low and above"), int(Severity::Low));
    m_severity->addItem(QStringLiteral("Medium and above"), int(Severity::Medium));
    m_severity->addItem(QStringLiteral("High and above"), int(Severity::High));
    m_severity->addItem(QStringLiteral("Critical"), int(Severity::Critical));
    m_state->addItem(QStringLiteral("Any triage"), -1);
    for (const TriageState s : {TriageState::New, TriageState::TruePositive, TriageState::FalsePositive, TriageState::Benign}) {
        m_state->addItem(FindingsModel::triageText(s), int(s));
        m_triageState->addItem(FindingsModel::triageText(s), int(s));
    }
    m_detector->addItem(QStringLiteral("Every detector"), QString());
    m_showSuppressed->setChecked(true);
    m_showSuppressed->setToolTip(QStringLiteral("List the findings that tuning suppressed (greyed, with the setting)"));
    for (QComboBox *c : {m_severity, m_state, m_detector})
        connect(c, &QComboBox::currentIndexChanged, this, &FindingsPanel::applyFilters);
    connect(m_showSuppressed, &QCheckBox::toggled, this, &FindingsPanel::applyFilters);

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(FindingsModel::SeverityColumn, Qt::DescendingOrder);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAllColumnsShowFocus(true);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setItemDelegateForColumn(FindingsModel::SeverityColumn, new SeverityDelegate(m_view));
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setRootIsDecorated(true);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionsMovable(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    const QFontMetrics fm = fontMetrics();
    auto width = [&](const char *sample) { return fm.horizontalAdvance(QString::fromUtf8(sample)) + 24; };
    header->resizeSection(FindingsModel::SeverityColumn, width("Critical") + 30);
    header->resizeSection(FindingsModel::DetectorColumn, width("InboxRuleManipulation"));
    header->resizeSection(FindingsModel::UserColumn, width("dana.whitfield@contoso.com") + 20);
    header->resizeSection(FindingsModel::IpsColumn, width("185.220.101.145 +2"));
    header->resizeSection(FindingsModel::FirstColumn, width("2024-03-12 08:01:15"));
    header->resizeSection(FindingsModel::LastColumn, width("2024-03-12 08:01:15"));
    header->resizeSection(FindingsModel::SummaryColumn, width("Takeover of megan.bowen@contoso.com: risky sign-in from 51.15.22.187 (NL) → hiding rule"));
    header->resizeSection(FindingsModel::TriageColumn, width("false positive ✎"));
    header->resizeSection(FindingsModel::SuppressedByColumn, width("service_accounts: orders@contoso.com"));

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { currentChanged(current); });
    connect(m_view, &QTreeView::customContextMenuRequested, this, &FindingsPanel::showContextMenu);
    // A double click opens the mailbox's page: the next thing a responder reads.
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex &proxyIndex) {
        const QString user = m_proxy->mapToSource(proxyIndex).data(FindingsModel::UserNameRole).toString();
        if (!user.isEmpty())
            emit userPageRequested(user);
    });

    m_triageState->setObjectName(QStringLiteral("triageState"));
    m_note->setObjectName(QStringLiteral("triageNote"));
    m_save->setObjectName(QStringLiteral("saveTriage"));
    m_note->setPlaceholderText(QStringLiteral("Analyst note"));
    m_note->setClearButtonEnabled(true);
    connect(m_save, &QPushButton::clicked, this, &FindingsPanel::saveEditor);
    connect(m_note, &QLineEdit::returnPressed, this, &FindingsPanel::saveEditor);
    m_summary->setTextFormat(Qt::PlainText);
    // The counts line gives way (elided by the layout) rather than forcing the window wider.
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto *filters = new QHBoxLayout;
    filters->setContentsMargins(0, 0, 0, 0);
    filters->addWidget(m_summary, 1);
    filters->addWidget(m_severity);
    filters->addWidget(m_state);
    filters->addWidget(m_detector);
    filters->addWidget(m_showSuppressed);
    auto *editor = new QHBoxLayout;
    editor->setContentsMargins(0, 0, 0, 0);
    editor->addWidget(m_editorLabel);
    editor->addWidget(m_triageState);
    editor->addWidget(m_note, 1);
    editor->addWidget(m_save);
    m_editorLabel->setMinimumWidth(fm.horizontalAdvance(QStringLiteral("Triage of the incident:")));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addLayout(filters);
    layout->addWidget(m_view, 1);
    layout->addLayout(editor);
    updateSummary();
    updateEditor();
}

FindingsPanel::~FindingsPanel()
{
    if (m_loadCancel)
        m_loadCancel->store(true);
}

void FindingsPanel::openCase(const QString &casePath)
{
    m_casePath = casePath;
    m_followed = {};
    m_model->clear();
    reload();
}

void FindingsPanel::closeCase()
{
    if (m_loadCancel)
        m_loadCancel->store(true);
    m_loading = false;
    m_casePath.clear();
    m_followed = {};
    m_model->clear();
    updateSummary();
    updateEditor();
}

void FindingsPanel::reload()
{
    if (m_casePath.isEmpty())
        return;
    if (m_loadCancel)
        m_loadCancel->store(true);
    m_loading = true;
    updateSummary();
    m_loadCancel = runCaseJob<FindingsSnapshot>(
        this, m_casePath, [](CaseStore &store, const std::atomic_bool &) { return FindingsSnapshot::read(store); },
        [this](FindingsSnapshot snapshot, const QString &error) {
            m_loading = false;
            // Keep the analyst's place across a reload (a re-run keeps fingerprints).
            const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
            const QString keep = current.isValid() ? current.data(FindingsModel::FingerprintRole).toString() : QString();
            m_following = true;
            m_model->setSnapshot(error.isEmpty() ? std::move(snapshot) : FindingsSnapshot{});
            const QString detector = m_detector->currentData().toString();
            m_detector->blockSignals(true);
            m_detector->clear();
            m_detector->addItem(QStringLiteral("Every detector"), QString());
            for (const QString &d : m_model->detectors())
                m_detector->addItem(d, d);
            m_detector->setCurrentIndex(std::max(0, m_detector->findData(detector)));
            m_detector->blockSignals(false);
            applyFilters();
            if (!keep.isEmpty()) {
                const QModelIndex at = m_proxy->mapFromSource(m_model->indexOfFingerprint(keep));
                if (at.isValid())
                    m_view->setCurrentIndex(at);
            }
            m_following = false;
            if (!m_followed.isNone())
                followSelection(m_followed);
            updateSummary();
            updateEditor();
            if (!error.isEmpty())
                m_summary->setText(QStringLiteral("Findings could not be read: %1").arg(error));
            emit loaded(static_cast<int>(m_model->snapshot().findings.size()),
                        static_cast<int>(m_model->snapshot().incidents.size()));
        });
}

void FindingsPanel::applyFilters()
{
    // Narrowing the list may move the current row; that is not the analyst choosing another
    // finding, so the workspace's selection stays.
    const bool wasFollowing = m_following;
    m_following = true;
    FindingsFilterModel::Filter filter;
    filter.minimum = static_cast<Severity>(m_severity->currentData().toInt());
    const int state = m_state->currentData().toInt();
    filter.state = state < 0 ? std::nullopt : std::optional(static_cast<TriageState>(state));
    filter.detector = m_detector->currentData().toString();
    filter.showSuppressed = m_showSuppressed->isChecked();
    m_proxy->setFilter(filter);
    m_view->expandAll();
    m_following = wasFollowing;
    updateSummary();
    updateEditor();
}

void FindingsPanel::updateSummary()
{
    if (m_casePath.isEmpty()) {
        m_summary->setText(QStringLiteral("No case open"));
        return;
    }
    if (m_loading && m_model->snapshot().findings.empty()) {
        m_summary->setText(QStringLiteral("Reading findings…"));
        return;
    }
    const FindingsSnapshot &s = m_model->snapshot();
    if (!s.run) {
        m_summary->setText(QStringLiteral("No detection run yet: Analyse › Run detection"));
        return;
    }
    const int suppressed = m_model->suppressedCount();
    const int total = static_cast<int>(s.findings.size());
    QString text = QStringLiteral("%1 incident%2 · %3 finding%4")
                       .arg(s.incidents.size())
                       .arg(s.incidents.size() == 1 ? QString() : QStringLiteral("s"))
                       .arg(total - suppressed)
                       .arg(total - suppressed == 1 ? QString() : QStringLiteral("s"));
    if (suppressed > 0)
        text += m_proxy->showSuppressed() ? QStringLiteral(" · %1 suppressed (greyed)").arg(suppressed)
                                          : QStringLiteral(" · %1 suppressed hidden").arg(suppressed);
    text += QStringLiteral(" · %1 profile, run %2 UTC").arg(qstr(s.run->profile), formatTimeUtc(s.run->finishedAtMs));
    m_summary->setText(text);
}

qint64 FindingsPanel::paddingMs(qint64 firstMs, qint64 lastMs)
{
    // A tenth of the span either side, at least half an hour (the sign-in before a rule, the
    // sends after it) and at most six hours (an incident of days stays readable).
    const qint64 span = std::max<qint64>(0, lastMs - firstMs);
    return std::clamp<qint64>(span / 10, 30 * kMinute, 6 * kHour);
}

Selection FindingsPanel::selectionFor(const QModelIndex &sourceIndex) const
{
    Selection s;
    const StoredFinding *f = m_model->finding(sourceIndex);
    const StoredIncident *inc = f ? nullptr : m_model->incident(sourceIndex);
    qint64 first = kNoTime;
    qint64 last = kNoTime;
    if (f) {
        s.kind = Selection::Kind::Finding;
        s.key = qstr(f->finding.fingerprint);
        s.id = f->id;
        s.user = qstr(f->finding.user);
        for (const std::string &ip : f->finding.ips)
            s.ips << qstr(ip);
        for (const std::int64_t e : f->finding.evidence)
            s.eventIds << e;
        first = f->finding.firstTimeMs;
        last = f->finding.lastTimeMs;
        s.label = QStringLiteral("%1: %2").arg(qstr(f->finding.detector),
                                               s.user.isEmpty() ? s.ips.value(0, QStringLiteral("?")) : s.user);
    } else if (inc) {
        s.kind = Selection::Kind::Incident;
        s.key = qstr(inc->incident.fingerprint);
        s.id = inc->id;
        s.user = qstr(inc->incident.user);
        for (const StoredFinding *member : m_model->findingsOf(*inc)) {
            for (const std::string &ip : member->finding.ips) {
                if (!s.ips.contains(qstr(ip)))
                    s.ips << qstr(ip);
            }
            for (const std::int64_t e : member->finding.evidence)
                s.eventIds << e;
        }
        first = inc->incident.firstTimeMs;
        last = inc->incident.lastTimeMs;
        s.label = QStringLiteral("Incident %1: %2").arg(inc->id).arg(s.user);
    } else {
        return s;
    }
    if (first != kNoTime) {
        const qint64 end = last == kNoTime ? first : last;
        const qint64 pad = paddingMs(first, end);
        s.fromMs = first - pad;
        s.toMs = end + pad + 1;
    }
    return s;
}

void FindingsPanel::currentChanged(const QModelIndex &proxyIndex)
{
    updateEditor();
    if (m_following || !proxyIndex.isValid())
        return;
    const Selection s = selectionFor(m_proxy->mapToSource(proxyIndex));
    if (!s.isNone()) {
        m_followed = s;
        emit selected(s);
    }
}

bool FindingsPanel::selectFingerprint(const QString &fingerprint)
{
    const QModelIndex at = m_proxy->mapFromSource(m_model->indexOfFingerprint(fingerprint));
    if (!at.isValid())
        return false;
    if (at == m_view->currentIndex()) {
        // Already the current row: selecting it again still makes it the workspace's selection.
        const Selection s = selectionFor(m_proxy->mapToSource(at));
        m_followed = s;
        emit selected(s);
    } else {
        m_view->setCurrentIndex(at);
    }
    m_view->scrollTo(at);
    return true;
}

void FindingsPanel::followSelection(const Selection &selection)
{
    m_followed = selection;
    switch (selection.kind) {
    case Selection::Kind::Finding:
    case Selection::Kind::Incident: {
        m_model->setHighlight(QString(), QString());
        const QModelIndex at = m_proxy->mapFromSource(m_model->indexOfFingerprint(selection.key));
        if (at.isValid() && at != m_view->currentIndex()) {
            m_following = true;
            m_view->setCurrentIndex(at);
            m_view->scrollTo(at);
            m_following = false;
        }
        return;
    }
    case Selection::Kind::Event:
        return; // the events of a finding being browsed: the finding stays as it is
    case Selection::Kind::Ip:
        m_model->setHighlight(QString(), selection.key);
        break;
    case Selection::Kind::None:
        m_model->setHighlight(QString(), QString());
        return;
    default:
        m_model->setHighlight(selection.user, selection.ips.size() == 1 && selection.user.isEmpty() ? selection.ips.front() : QString());
        break;
    }
    // Bring the first finding that concerns the entity into view, without selecting it.
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex top = m_proxy->index(r, 0);
        if (top.data(FindingsModel::HighlightRole).toBool()) {
            m_view->scrollTo(top);
            break;
        }
        bool found = false;
        for (int c = 0; c < m_proxy->rowCount(top) && !found; ++c) {
            const QModelIndex child = m_proxy->index(c, 0, top);
            if (child.data(FindingsModel::HighlightRole).toBool()) {
                m_view->scrollTo(child);
                found = true;
            }
        }
        if (found)
            break;
    }
}

void FindingsPanel::updateEditor()
{
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
    const bool valid = current.isValid();
    m_triageState->setEnabled(valid);
    m_note->setEnabled(valid);
    m_save->setEnabled(valid);
    if (!valid) {
        m_editorLabel->setText(QStringLiteral("Triage:"));
        m_note->clear();
        return;
    }
    const bool incident = current.data(FindingsModel::RowKindRole).toString() == QLatin1String("incident");
    m_editorLabel->setText(incident ? QStringLiteral("Triage of the incident:") : QStringLiteral("Triage of the finding:"));
    m_triageState->setCurrentIndex(m_triageState->findData(current.data(FindingsModel::TriageStateRole).toInt()));
    m_note->setText(current.data(FindingsModel::NoteRole).toString());
}

void FindingsPanel::saveEditor()
{
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
    if (!current.isValid())
        return;
    setTriage(current.data(FindingsModel::FingerprintRole).toString(),
              static_cast<TriageState>(m_triageState->currentData().toInt()), m_note->text());
}

void FindingsPanel::setTriage(const QString &fingerprint, TriageState state, const QString &note)
{
    if (m_casePath.isEmpty() || fingerprint.isEmpty())
        return;
    struct Saved
    {
        bool ok = false;
        QString error;
    };
    runCaseJob<Saved>(
        this, m_casePath,
        [fp = fingerprint.toStdString(), state, text = note.toStdString()](CaseStore &store, const std::atomic_bool &) {
            Saved saved;
            std::string error;
            saved.ok = FindingStore(store).setTriage(fp, state, text, &error);
            saved.error = QString::fromStdString(error);
            return saved;
        },
        [this, fingerprint, state, note](Saved saved, const QString &openError) {
            const bool ok = openError.isEmpty() && saved.ok;
            if (ok) {
                m_model->setTriage(fingerprint, state, note);
                updateEditor();
            }
            emit triageSaved(fingerprint, ok, openError.isEmpty() ? saved.error : openError);
        });
}

void FindingsPanel::showContextMenu(const QPoint &pos)
{
    const QModelIndex proxyIndex = m_view->indexAt(pos);
    QMenu menu(this);
    if (proxyIndex.isValid()) {
        const QModelIndex index = m_proxy->mapToSource(proxyIndex);
        const QString fingerprint = index.data(FindingsModel::FingerprintRole).toString();
        const QString note = index.data(FindingsModel::NoteRole).toString();
        const int currentState = index.data(FindingsModel::TriageStateRole).toInt();
        QMenu *triage = menu.addMenu(QStringLiteral("Triage"));
        for (const TriageState s : {TriageState::New, TriageState::TruePositive, TriageState::FalsePositive, TriageState::Benign}) {
            QAction *a = triage->addAction(FindingsModel::triageText(s), this,
                                           [this, fingerprint, s, note] { setTriage(fingerprint, s, note); });
            a->setCheckable(true);
            a->setChecked(currentState == int(s));
        }
        menu.addAction(QStringLiteral("Edit note…"), this, [this, proxyIndex] {
            m_view->setCurrentIndex(proxyIndex);
            m_note->setFocus();
            m_note->selectAll();
        });
        menu.addSeparator();
        const QString user = index.data(FindingsModel::UserNameRole).toString();
        if (!user.isEmpty()) {
            menu.addAction(QStringLiteral("Select user %1").arg(user), this,
                           [this, user] { emit selected(Selection::forUser(user)); });
            menu.addAction(QStringLiteral("User page of %1").arg(user), this, [this, user] { emit userPageRequested(user); });
        }
        const QStringList ips = index.data(FindingsModel::IpsRole).toStringList();
        for (const QString &ip : ips.mid(0, 5))
            menu.addAction(QStringLiteral("Select IP %1").arg(ip), this, [this, ip] { emit selected(Selection::forIp(ip)); });
        menu.addSeparator();
        if (!ips.isEmpty()) {
            QMenu *trust = menu.addMenu(QStringLiteral("Trust this network"));
            trust->setToolTipsVisible(true);
            for (const QString &ip : ips.mid(0, 5)) {
                trust->addAction(QStringLiteral("%1 (this address)").arg(ip), this,
                                 [this, ip] { emit tuningRequested(QStringLiteral("trusted_networks"), ip); });
                if (const QString net = networkOf(ip); !net.isEmpty())
                    trust->addAction(QStringLiteral("%1 (its network)").arg(net), this,
                                     [this, net] { emit tuningRequested(QStringLiteral("trusted_networks"), net); });
            }
        }
        if (!user.isEmpty())
            menu.addAction(QStringLiteral("This is a service account (%1)").arg(user), this,
                           [this, user] { emit tuningRequested(QStringLiteral("service_accounts"), user); });
        menu.addSeparator();
    }
    menu.addAction(QStringLiteral("Run detection again"), this, [this] { emit detectionRequested(); });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace mp::ui
