#pragma once

#include "store/casestore.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mp {

// Stored as text: never rename a value.
enum class Severity : std::uint8_t { Informational = 0, Low = 1, Medium = 2, High = 3, Critical = 4 };

const char *severityName(Severity severity);
std::optional<Severity> severityFromName(std::string_view name);

// The analyst's verdict on a finding. Stored as text: never rename a value.
enum class TriageState : std::uint8_t { New = 0, TruePositive = 1, FalsePositive = 2, Benign = 3 };

const char *triageStateName(TriageState state);
std::optional<TriageState> triageStateFromName(std::string_view name);

// One result of a detector: what was seen, how bad it is, and the events it rests on.
struct Finding
{
    std::string detector;            // "RiskySignIn", "ImpossibleTravel", ...
    Severity severity = Severity::Informational;
    double score = 0;                // 0..100, orders findings of one severity
    std::string user;
    std::vector<std::string> ips;    // most relevant first
    std::int64_t firstTimeMs = kNoTime; // kNoTime for findings on state (rule snapshots)
    std::int64_t lastTimeMs = kNoTime;
    std::string summary;             // one line
    std::string details;             // a JSON object, detector-specific, keys stable
    std::vector<std::int64_t> evidence; // event ids, in time order
    // The tuning setting that suppressed the finding ("service_accounts: x@y"), empty when it
    // stands. Suppressed findings are kept and shown as such, never dropped.
    std::string suppressedBy;
    // Identifies "the same finding" across detection runs, so that triage survives a re-run.
    std::string fingerprint;
    std::int64_t incidentId = 0;     // 0: not part of an incident
};

// One execution of the detectors over a case.
struct DetectionRun
{
    std::int64_t id = 0;
    std::int64_t startedAtMs = 0;
    std::int64_t finishedAtMs = 0;
    std::string profile;        // "default", "seed"
    std::string tuning;         // the tuning in force, as canonical JSON
    std::string engineVersion;
    std::int64_t eventCount = 0;    // events the run looked at
    std::int64_t findingCount = 0;
};

struct Triage
{
    std::string fingerprint;
    TriageState state = TriageState::New;
    std::string note;
    std::int64_t updatedAtMs = 0;
};

// Findings of one user that share an IP or follow each other in time: the story of one takeover.
struct Incident
{
    std::string user;
    Severity severity = Severity::Informational;
    double score = 0;                   // sum of its findings' scores plus a kill-chain bonus
    std::int64_t firstTimeMs = kNoTime;
    std::int64_t lastTimeMs = kNoTime;
    std::string summary;                // one line: "Takeover of x: ... -> ... -> ..."
    std::string details;                // JSON object: kill chain and the ordered steps
    std::vector<std::int64_t> findings; // 1-based positions of its findings in the run, in order
    // "incident:<profile>:<user>:<fingerprint of its first finding>", so triage outlives runs.
    std::string fingerprint;
};

struct StoredIncident
{
    std::int64_t id = 0;       // equals its 1-based position within the run
    Incident incident;
    Triage triage;
};

struct StoredFinding
{
    std::int64_t id = 0;       // row id: valid until the next run
    std::int64_t position = 0; // 1-based order within the run
    Finding finding;
    Triage triage;             // state New when the analyst has not triaged it
};

// One evidence event of a finding, with what a list of evidence shows.
struct EvidenceEvent
{
    std::int64_t findingId = 0;
    std::int64_t eventId = 0;
    std::int64_t timeMs = kNoTime;
    std::string operation;
    std::string ip;
};

// Findings, their evidence, incidents and triage in the case file (schema 2). A run replaces the
// findings of the previous run in one transaction; triage lives apart, keyed by fingerprint, so a
// re-run keeps the analyst's verdicts.
class FindingStore
{
public:
    explicit FindingStore(CaseStore &store);
    explicit FindingStore(Database &db);

    // Records the run and replaces all findings (and incidents) with `findings`, in their order.
    // Fills run.id. On failure nothing changes.
    bool saveRun(DetectionRun &run, const std::vector<Finding> &findings, std::string *error);
    // The same with incidents; a finding's incidentId is the 1-based position of its incident in
    // `incidents`, which becomes the incident's id.
    bool saveRun(DetectionRun &run, const std::vector<Finding> &findings, const std::vector<Incident> &incidents,
                 std::string *error);

    std::optional<DetectionRun> latestRun();
    std::vector<DetectionRun> runs();

    // The findings of the latest run, in run order, with their triage.
    std::vector<StoredFinding> findings();
    // The same for one user only (index findings_user): the per-user page of a large case.
    std::vector<StoredFinding> findingsOfUser(const std::string &user);
    std::vector<EvidenceEvent> evidence(std::int64_t findingId);
    // The incidents of the latest run, in order, with their triage (keyed by their fingerprint).
    std::vector<StoredIncident> incidents();
    // Every evidence event of the latest run, ordered by finding position, then evidence order.
    void forEachEvidence(const std::function<void(const EvidenceEvent &)> &visit);

    bool setTriage(const std::string &fingerprint, TriageState state, const std::string &note,
                   std::string *error);
    std::optional<Triage> triage(const std::string &fingerprint);

private:
    std::vector<StoredFinding> readFindings(const std::string *user);

    Database &m_db;
};

} // namespace mp
