// Builds small cases for detector tests in a temporary directory: audit records go through the
// real Purview CSV reader (so rule parameters and forward targets are filled as for a user's
// export); sign-ins, message trace rows and rule snapshots are written straight into the case.
#pragma once

#include "cli/cli.h"
#include "detect/engine.h"
#include "geo/countries.h"
#include "ingest/importer.h"
#include "store/casestore.h"
#include "util/timeparse.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sstream>
#include <string>
#include <vector>

namespace detecttest {

inline std::int64_t ms(const char *iso)
{
    const auto t = mp::parseTimestamp(iso);
    if (!t)
        qFatal("bad test time %s", iso);
    return *t;
}

struct Place
{
    const char *country;
    const char *city;
    double latitude;
    double longitude;
};

inline const Place kParis{"FR", "Paris", 48.8566, 2.3522};
inline const Place kLyon{"FR", "Lyon", 45.7640, 4.8357};
inline const Place kBrussels{"BE", "Brussels", 50.8503, 4.3517};
inline const Place kNewYork{"US", "New York", 40.7128, -74.0060};
inline const Place kLagos{"NG", "Lagos", 6.5244, 3.3792};
inline const Place kUnknown{"", "", std::nan(""), std::nan("")};

struct SignIn
{
    std::string user = {};
    const char *time = nullptr;
    std::string ip = {};
    Place place = kParis;
    std::int64_t result = 0;
    std::string app = "Office 365 Exchange Online";
    std::string riskLevel = {};
    std::string riskState = {};
    int isRisky = -1;
    int interactive = 1;
    std::string riskTypes = {};
    std::uint32_t asn = 0;    // the network's AS (network classes)
    std::string asOrg = {};
};

class DetectCase
{
public:
    DetectCase()
    {
        m_path = m_dir.filePath(QStringLiteral("case.mpcase")).toStdString();
        std::string error;
        if (!m_store.open(m_path, true, &error))
            qFatal("cannot create case: %s", error.c_str());
    }

    mp::CaseStore &store() { return m_store; }
    const std::string &path() const { return m_path; }
    QString dir() const { return m_dir.path(); }

    void signIn(const SignIn &s)
    {
        mp::Event e;
        e.kind = mp::EventKind::SignIn;
        e.timeMs = ms(s.time);
        e.recordId = "si-" + std::to_string(++m_counter);
        e.user = s.user;
        e.ip = s.ip;
        e.operation = "SignIn";
        e.app = s.app;
        e.resultCode = s.result;
        e.riskLevel = s.riskLevel;
        e.riskState = s.riskState;
        e.riskEventTypes = s.riskTypes;
        e.isRisky = s.isRisky;
        e.isInteractive = s.interactive;
        e.asn = s.asn;
        e.asOrg = s.asOrg;
        e.country = s.place.country;
        e.city = s.place.city;
        if (!std::isnan(s.place.latitude)) {
            e.latitude = s.place.latitude;
            e.longitude = s.place.longitude;
            e.geoSource = mp::GeoSource::Log;
        }
        m_direct.push_back(e);
    }

    // A row of a Get-InboxRule export: parameters as the snapshot's columns.
    void ruleSnapshot(const std::string &mailbox, const std::string &name, const std::string &parametersJson,
                      const std::string &forwardTargets)
    {
        mp::Event e;
        e.kind = mp::EventKind::RuleSnapshot;
        e.recordId = "rs-" + std::to_string(++m_counter);
        e.user = mailbox;
        e.operation = "InboxRule";
        e.ruleName = name;
        e.parameters = parametersJson;
        e.forwardTargets = forwardTargets;
        m_direct.push_back(e);
    }

    void message(const std::string &sender, const char *time, const std::string &recipients, const std::string &messageId)
    {
        mp::Event e;
        e.kind = mp::EventKind::Message;
        e.timeMs = ms(time);
        e.recordId = "mt-" + std::to_string(++m_counter);
        e.sender = sender;
        e.recipients = recipients;
        e.messageId = messageId;
        e.operation = "Message";
        m_direct.push_back(e);
    }

    // One unified audit log record; `extra` continues the AuditData JSON object (",\"Parameters\":[...]").
    void audit(const std::string &operation, const std::string &user, std::int64_t timeMs, const std::string &ip,
               const std::string &extra = {}, const std::string &workload = "Exchange")
    {
        const std::string id = "au-" + std::to_string(++m_counter);
        const std::string time = mp::formatIso(timeMs).substr(0, 19);
        std::string json = "{\"CreationTime\":\"" + time + "\",\"Id\":\"" + id + "\",\"Operation\":\"" + operation
            + "\",\"RecordType\":1,\"UserId\":\"" + user + "\",\"Workload\":\"" + workload + "\",\"ClientIP\":\"" + ip
            + "\"" + extra + "}";
        std::string quoted;
        for (const char c : json) {
            quoted.push_back(c);
            if (c == '"')
                quoted.push_back('"');
        }
        m_csv += id + "," + time + ",2," + operation + "," + user + ",\"" + quoted + "\",,\r\n";
    }
    void audit(const std::string &operation, const std::string &user, const char *time, const std::string &ip,
               const std::string &extra = {}, const std::string &workload = "Exchange")
    {
        audit(operation, user, ms(time), ip, extra, workload);
    }

    // n sends starting at `start`, one every `stepSeconds`.
    void sends(const std::string &user, const char *start, int n, int stepSeconds, const std::string &ip,
               const std::string &operation = "Send", const std::string &workload = "Exchange")
    {
        for (int i = 0; i < n; ++i)
            audit(operation, user, ms(start) + std::int64_t(i) * stepSeconds * 1000, ip,
                  ",\"Item\":{\"Subject\":\"Invoice " + std::to_string(i) + "\"}", workload);
    }

    // Writes everything added so far into the case.
    void commit()
    {
        if (!m_csv.empty()) {
            const QString path = m_dir.filePath(QStringLiteral("audit-%1.csv").arg(++m_files));
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly))
                qFatal("cannot write test file");
            f.write("RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n");
            f.write(m_csv.data(), static_cast<qint64>(m_csv.size()));
            f.close();
            const mp::ImportReport report = mp::importFiles(m_store, {path.toStdString()}, {});
            if (report.files.size() != 1 || report.files[0].status != mp::FileReport::Status::Imported
                || report.files[0].source.rejected != 0)
                qFatal("test audit file did not import cleanly: %s", report.files.empty() ? "" : report.files[0].error.c_str());
            m_csv.clear();
        }
        if (!m_direct.empty()) {
            mp::SourceFile source;
            source.name = "direct-" + std::to_string(++m_files);
            source.sha256 = std::string(64 - source.name.size(), '0') + source.name;
            source.format = "test-direct";
            std::string error;
            if (!m_store.beginImport(source, {}, &error))
                qFatal("beginImport: %s", error.c_str());
            for (mp::Event &e : m_direct) {
                e.sourceId = source.id;
                if (m_store.insertEvent(e) != mp::CaseStore::InsertResult::Inserted)
                    qFatal("insertEvent failed");
            }
            source.imported = static_cast<std::int64_t>(m_direct.size());
            source.recordsRead = source.imported;
            if (!m_store.finishImport(source, &error))
                qFatal("finishImport: %s", error.c_str());
            m_direct.clear();
        }
    }

    mp::DetectionResult detect(mp::Profile profile = mp::Profile::Default, const mp::Tuning &tuning = {})
    {
        commit();
        mp::DetectionOptions options;
        options.profile = profile;
        options.tuning = tuning;
        return mp::runDetection(m_store, options);
    }

    mp::DetectionResult detectAndStore(mp::Profile profile = mp::Profile::Default, const mp::Tuning &tuning = {})
    {
        commit();
        mp::DetectionOptions options;
        options.profile = profile;
        options.tuning = tuning;
        return mp::detectAndStore(m_store, options);
    }

private:
    QTemporaryDir m_dir;
    std::string m_path;
    mp::CaseStore m_store;
    std::vector<mp::Event> m_direct;
    std::string m_csv;
    int m_counter = 0;
    int m_files = 0;
};

inline std::vector<const mp::Finding *> findingsOf(const mp::DetectionResult &r, std::string_view detector,
                                                   std::string_view user = {})
{
    std::vector<const mp::Finding *> out;
    for (const mp::Finding &f : r.findings) {
        if (f.detector == detector && (user.empty() || f.user == user))
            out.push_back(&f);
    }
    return out;
}

inline mp::Tuning tuningFrom(const char *json)
{
    std::string error;
    auto t = mp::Tuning::parse(json, &error);
    if (!t)
        qFatal("bad test tuning: %s", error.c_str());
    return *t;
}

struct CliResult
{
    int code;
    QByteArray out;
    QByteArray err;
};

inline CliResult runCli(const std::vector<std::string> &args)
{
    std::ostringstream out, err;
    const int code = mp::cli::run(args, out, err);
    return {code, QByteArray::fromStdString(out.str()), QByteArray::fromStdString(err.str())};
}

} // namespace detecttest
