#include "store/findingstore.h"

#include <chrono>

namespace mp {

namespace {

constexpr const char *kSeverityNames[] = {"informational", "low", "medium", "high", "critical"};
constexpr const char *kTriageNames[] = {"new", "true-positive", "false-positive", "benign"};

std::int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void setError(std::string *error, std::string text)
{
    if (error)
        *error = std::move(text);
}

void bindTime(Statement &s, int index, std::int64_t ms)
{
    if (ms == kNoTime)
        s.bindNull(index);
    else
        s.bind(index, ms);
}

std::int64_t readTime(const Statement &s, int column)
{
    return s.isNull(column) ? kNoTime : s.int64(column);
}

// IPs never contain ';', so a list of them is stored as one ';'-separated text.
std::string joinIps(const std::vector<std::string> &ips)
{
    std::string out;
    for (const std::string &ip : ips) {
        if (!out.empty())
            out.push_back(';');
        out += ip;
    }
    return out;
}

std::vector<std::string> splitIps(std::string_view text)
{
    std::vector<std::string> out;
    while (!text.empty()) {
        const std::size_t semi = text.find(';');
        if (semi != 0)
            out.emplace_back(text.substr(0, semi));
        if (semi == std::string_view::npos)
            break;
        text.remove_prefix(semi + 1);
    }
    return out;
}

DetectionRun readRun(const Statement &s)
{
    DetectionRun run;
    run.id = s.int64(0);
    run.startedAtMs = s.int64(1);
    run.finishedAtMs = s.int64(2);
    run.profile = s.text(3);
    run.tuning = s.text(4);
    run.engineVersion = s.text(5);
    run.eventCount = s.int64(6);
    run.findingCount = s.int64(7);
    return run;
}

constexpr const char *kRunColumns =
    "id, started_at, finished_at, profile, tuning, engine_version, event_count, finding_count";

} // namespace

const char *severityName(Severity severity)
{
    const auto i = static_cast<std::size_t>(severity);
    return i < std::size(kSeverityNames) ? kSeverityNames[i] : "informational";
}

std::optional<Severity> severityFromName(std::string_view name)
{
    for (std::size_t i = 0; i < std::size(kSeverityNames); ++i) {
        if (name == kSeverityNames[i])
            return static_cast<Severity>(i);
    }
    return std::nullopt;
}

const char *triageStateName(TriageState state)
{
    const auto i = static_cast<std::size_t>(state);
    return i < std::size(kTriageNames) ? kTriageNames[i] : "new";
}

std::optional<TriageState> triageStateFromName(std::string_view name)
{
    for (std::size_t i = 0; i < std::size(kTriageNames); ++i) {
        if (name == kTriageNames[i])
            return static_cast<TriageState>(i);
    }
    return std::nullopt;
}

FindingStore::FindingStore(CaseStore &store)
    : m_db(store.database())
{
}

FindingStore::FindingStore(Database &db)
    : m_db(db)
{
}

bool FindingStore::saveRun(DetectionRun &run, const std::vector<Finding> &findings, std::string *error)
{
    return saveRun(run, findings, {}, error);
}

bool FindingStore::saveRun(DetectionRun &run, const std::vector<Finding> &findings,
                           const std::vector<Incident> &incidents, std::string *error)
{
    if (!m_db.exec("BEGIN IMMEDIATE")) {
        setError(error, "cannot start storing findings: " + m_db.errorMessage());
        return false;
    }
    auto fail = [&](const char *what) {
        setError(error, std::string(what) + ": " + m_db.errorMessage());
        m_db.exec("ROLLBACK");
        return false;
    };
    // The previous run's findings go; its run record stays as history.
    if (!m_db.exec("DELETE FROM finding_evidence; DELETE FROM findings; DELETE FROM incidents;"))
        return fail("cannot remove the previous findings");

    if (run.finishedAtMs == 0)
        run.finishedAtMs = nowMs();
    run.findingCount = static_cast<std::int64_t>(findings.size());
    Statement insRun(m_db, "INSERT INTO detection_runs(started_at, finished_at, profile, tuning, "
                           "engine_version, event_count, finding_count) VALUES(?,?,?,?,?,?,?)");
    insRun.bind(1, run.startedAtMs);
    insRun.bind(2, run.finishedAtMs);
    insRun.bind(3, run.profile, false);
    insRun.bind(4, run.tuning);
    insRun.bind(5, run.engineVersion, false);
    insRun.bind(6, run.eventCount);
    insRun.bind(7, run.findingCount);
    if (!insRun.run())
        return fail("cannot record the detection run");
    const std::int64_t runId = m_db.lastInsertId();

    // Incidents first (findings refer to them), with their position as id: stable across runs.
    Statement insIncident(m_db, "INSERT INTO incidents(id, run_id, position, user, severity, score, first_time, "
                                "last_time, summary, details, fingerprint) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    if (!insIncident.isValid())
        return fail("cannot store incidents");
    std::int64_t incidentPosition = 0;
    for (const Incident &inc : incidents) {
        ++incidentPosition;
        insIncident.bind(1, incidentPosition);
        insIncident.bind(2, runId);
        insIncident.bind(3, incidentPosition);
        insIncident.bind(4, inc.user);
        insIncident.bind(5, severityName(inc.severity));
        insIncident.bind(6, inc.score);
        bindTime(insIncident, 7, inc.firstTimeMs);
        bindTime(insIncident, 8, inc.lastTimeMs);
        insIncident.bind(9, inc.summary, false);
        insIncident.bind(10, inc.details);
        insIncident.bind(11, inc.fingerprint, false);
        if (!insIncident.run())
            return fail("cannot store an incident");
    }
    insIncident = Statement();

    Statement insFinding(m_db, "INSERT INTO findings(run_id, position, detector, severity, score, "
                               "user, ips, first_time, last_time, summary, details, suppressed_by, "
                               "incident_id, fingerprint) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    Statement insEvidence(m_db, "INSERT OR IGNORE INTO finding_evidence(finding_id, position, event_id) "
                                "VALUES(?,?,?)");
    if (!insFinding.isValid() || !insEvidence.isValid())
        return fail("cannot store findings");
    std::int64_t position = 0;
    for (const Finding &f : findings) {
        insFinding.bind(1, runId);
        insFinding.bind(2, ++position);
        insFinding.bind(3, f.detector, false);
        insFinding.bind(4, severityName(f.severity));
        insFinding.bind(5, f.score);
        insFinding.bind(6, f.user);
        insFinding.bind(7, joinIps(f.ips));
        bindTime(insFinding, 8, f.firstTimeMs);
        bindTime(insFinding, 9, f.lastTimeMs);
        insFinding.bind(10, f.summary, false);
        insFinding.bind(11, f.details);
        insFinding.bind(12, f.suppressedBy);
        // Only incidents stored with this run can be referred to (ids are their positions).
        if (f.incidentId > 0 && f.incidentId <= static_cast<std::int64_t>(incidents.size()))
            insFinding.bind(13, f.incidentId);
        else
            insFinding.bindNull(13);
        insFinding.bind(14, f.fingerprint, false);
        if (!insFinding.run())
            return fail("cannot store a finding");
        const std::int64_t findingId = m_db.lastInsertId();
        std::int64_t evidencePosition = 0;
        for (const std::int64_t eventId : f.evidence) {
            insEvidence.bind(1, findingId);
            insEvidence.bind(2, ++evidencePosition);
            insEvidence.bind(3, eventId);
            if (!insEvidence.run())
                return fail("cannot store the evidence of a finding");
        }
    }
    insFinding = Statement();
    insEvidence = Statement();
    insRun = Statement();
    if (!m_db.exec("COMMIT"))
        return fail("cannot commit findings");
    run.id = runId;
    return true;
}

std::optional<DetectionRun> FindingStore::latestRun()
{
    Statement s(m_db, std::string("SELECT ") + kRunColumns + " FROM detection_runs ORDER BY id DESC LIMIT 1");
    if (s.step())
        return readRun(s);
    return std::nullopt;
}

std::vector<DetectionRun> FindingStore::runs()
{
    std::vector<DetectionRun> result;
    Statement s(m_db, std::string("SELECT ") + kRunColumns + " FROM detection_runs ORDER BY id");
    while (s.step())
        result.push_back(readRun(s));
    return result;
}

std::vector<StoredFinding> FindingStore::findings()
{
    return readFindings(nullptr);
}

std::vector<StoredFinding> FindingStore::findingsOfUser(const std::string &user)
{
    return readFindings(&user);
}

std::vector<StoredFinding> FindingStore::readFindings(const std::string *user)
{
    std::vector<StoredFinding> result;
    const std::string where = user ? " WHERE f.user = ?" : "";
    Statement s(m_db, "SELECT f.id, f.position, f.detector, f.severity, f.score, f.user, f.ips, "
                      "f.first_time, f.last_time, f.summary, f.details, f.suppressed_by, f.incident_id, "
                      "f.fingerprint, t.state, t.note, t.updated_at FROM findings f "
                      "LEFT JOIN triage t ON t.fingerprint = f.fingerprint" + where + " ORDER BY f.position");
    if (user)
        s.bind(1, *user, false);
    while (s.step()) {
        StoredFinding sf;
        sf.id = s.int64(0);
        sf.position = s.int64(1);
        Finding &f = sf.finding;
        f.detector = s.text(2);
        f.severity = severityFromName(s.textView(3)).value_or(Severity::Informational);
        f.score = s.real(4);
        f.user = s.text(5);
        f.ips = splitIps(s.textView(6));
        f.firstTimeMs = readTime(s, 7);
        f.lastTimeMs = readTime(s, 8);
        f.summary = s.text(9);
        f.details = s.text(10);
        f.suppressedBy = s.text(11);
        f.incidentId = s.isNull(12) ? 0 : s.int64(12);
        f.fingerprint = s.text(13);
        sf.triage.fingerprint = f.fingerprint;
        if (!s.isNull(14)) {
            sf.triage.state = triageStateFromName(s.textView(14)).value_or(TriageState::New);
            sf.triage.note = s.text(15);
            sf.triage.updatedAtMs = s.int64(16);
        }
        result.push_back(std::move(sf));
    }
    if (result.empty())
        return result;
    // Evidence ids in one pass rather than one query per finding.
    std::size_t i = 0;
    Statement e(m_db, "SELECT fe.finding_id, fe.event_id FROM finding_evidence fe "
                      "JOIN findings f ON f.id = fe.finding_id" + where + " ORDER BY f.position, fe.position");
    if (user)
        e.bind(1, *user, false);
    while (e.step()) {
        const std::int64_t findingId = e.int64(0);
        while (i < result.size() && result[i].id != findingId)
            ++i;
        if (i == result.size())
            break;
        result[i].finding.evidence.push_back(e.int64(1));
    }
    return result;
}

std::vector<StoredIncident> FindingStore::incidents()
{
    std::vector<StoredIncident> result;
    Statement s(m_db, "SELECT i.id, i.user, i.severity, i.score, i.first_time, i.last_time, i.summary, i.details, "
                      "i.fingerprint, t.state, t.note, t.updated_at FROM incidents i "
                      "LEFT JOIN triage t ON t.fingerprint = i.fingerprint ORDER BY i.position");
    while (s.step()) {
        StoredIncident si;
        si.id = s.int64(0);
        Incident &inc = si.incident;
        inc.user = s.text(1);
        inc.severity = severityFromName(s.textView(2)).value_or(Severity::Informational);
        inc.score = s.real(3);
        inc.firstTimeMs = readTime(s, 4);
        inc.lastTimeMs = readTime(s, 5);
        inc.summary = s.text(6);
        inc.details = s.text(7);
        inc.fingerprint = s.text(8);
        si.triage.fingerprint = inc.fingerprint;
        if (!s.isNull(9)) {
            si.triage.state = triageStateFromName(s.textView(9)).value_or(TriageState::New);
            si.triage.note = s.text(10);
            si.triage.updatedAtMs = s.int64(11);
        }
        result.push_back(std::move(si));
    }
    if (result.empty())
        return result;
    Statement f(m_db, "SELECT incident_id, position FROM findings WHERE incident_id IS NOT NULL ORDER BY position");
    while (f.step()) {
        const std::int64_t id = f.int64(0); // ids are positions: 1..n
        if (id >= 1 && id <= static_cast<std::int64_t>(result.size()) && result[static_cast<std::size_t>(id - 1)].id == id)
            result[static_cast<std::size_t>(id - 1)].incident.findings.push_back(f.int64(1));
    }
    return result;
}

std::vector<EvidenceEvent> FindingStore::evidence(std::int64_t findingId)
{
    std::vector<EvidenceEvent> result;
    Statement s(m_db, "SELECT fe.finding_id, e.id, e.time, e.operation, e.ip FROM finding_evidence fe "
                      "JOIN events e ON e.id = fe.event_id WHERE fe.finding_id = ? ORDER BY fe.position");
    s.bind(1, findingId);
    while (s.step())
        result.push_back({s.int64(0), s.int64(1), readTime(s, 2), s.text(3), s.text(4)});
    return result;
}

void FindingStore::forEachEvidence(const std::function<void(const EvidenceEvent &)> &visit)
{
    Statement s(m_db, "SELECT fe.finding_id, e.id, e.time, e.operation, e.ip FROM findings f "
                      "JOIN finding_evidence fe ON fe.finding_id = f.id "
                      "JOIN events e ON e.id = fe.event_id ORDER BY f.position, fe.position");
    EvidenceEvent ev;
    while (s.step()) {
        ev.findingId = s.int64(0);
        ev.eventId = s.int64(1);
        ev.timeMs = readTime(s, 2);
        ev.operation = s.text(3);
        ev.ip = s.text(4);
        visit(ev);
    }
}

bool FindingStore::setTriage(const std::string &fingerprint, TriageState state, const std::string &note,
                             std::string *error)
{
    if (fingerprint.empty()) {
        setError(error, "a finding without fingerprint cannot be triaged");
        return false;
    }
    Statement s(m_db, "INSERT INTO triage(fingerprint, state, note, updated_at) VALUES(?,?,?,?) "
                      "ON CONFLICT(fingerprint) DO UPDATE SET state = excluded.state, "
                      "note = excluded.note, updated_at = excluded.updated_at");
    s.bind(1, fingerprint, false);
    s.bind(2, triageStateName(state));
    s.bind(3, note);
    s.bind(4, nowMs());
    if (!s.run()) {
        setError(error, "cannot store triage: " + m_db.errorMessage());
        return false;
    }
    return true;
}

std::optional<Triage> FindingStore::triage(const std::string &fingerprint)
{
    Statement s(m_db, "SELECT fingerprint, state, note, updated_at FROM triage WHERE fingerprint = ?");
    s.bind(1, fingerprint, false);
    if (!s.step())
        return std::nullopt;
    Triage t;
    t.fingerprint = s.text(0);
    t.state = triageStateFromName(s.textView(1)).value_or(TriageState::New);
    t.note = s.text(2);
    t.updatedAtMs = s.int64(3);
    return t;
}

} // namespace mp
