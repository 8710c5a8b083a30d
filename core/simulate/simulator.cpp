#include "simulate/simulator.h"

#include "simulate/exportformat.h"
#include "simulate/places.h"
#include "simulate/recordbuilder.h"
#include "simulate/scenario.h"
#include "simulate/truthfiles.h"
#include "simulate/workweek.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <thread>

namespace mp::sim {

namespace {

constexpr std::size_t kFlushBytes = 8u << 20;

// Buffered writing that reports the first failure with the file name and the system's reason.
class OutputFile
{
public:
    OutputFile(const std::filesystem::path &path, std::string *error)
        : m_path(path.string())
        , m_error(error)
        , m_file(std::fopen(m_path.c_str(), "wb"))
    {
        if (!m_file)
            fail();
        m_buffer.reserve(kFlushBytes + (1u << 16));
    }
    ~OutputFile()
    {
        if (m_file)
            std::fclose(m_file);
    }
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;

    std::string &buffer() { return m_buffer; }
    bool ok() const { return m_ok; }
    const std::string &path() const { return m_path; }

    void flushIfFull()
    {
        if (m_buffer.size() >= kFlushBytes)
            flush();
    }
    void flush()
    {
        if (m_ok && !m_buffer.empty() && std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_file) != m_buffer.size())
            fail();
        m_buffer.clear();
    }
    bool close()
    {
        flush();
        if (m_file && std::fclose(m_file) != 0 && m_ok)
            fail();
        m_file = nullptr;
        return m_ok;
    }

private:
    void fail()
    {
        if (m_ok && m_error && m_error->empty())
            *m_error = m_path + ": " + std::strerror(errno);
        m_ok = false;
    }

    std::string m_path;
    std::string *m_error;
    std::FILE *m_file;
    std::string m_buffer;
    bool m_ok = true;
};

bool writeWhole(const std::filesystem::path &path, const std::string &text, SimulateResult &result)
{
    OutputFile f(path, &result.error);
    f.buffer() = text;
    if (!f.close())
        return false;
    result.files.push_back(f.path());
    return true;
}

// Newest first, as the Graph API, Purview and Get-MessageTrace return them. Stable: records of
// the same second keep the order they were made in, so the output stays byte-identical.
template <typename T>
void newestFirst(std::vector<T> &records)
{
    std::stable_sort(records.begin(), records.end(), [](const T &a, const T &b) { return a.timeMs > b.timeMs; });
}

SimData buildScenarios(const Tenant &tenant, const std::vector<std::string> &names)
{
    SimData data;
    std::vector<ScenarioUser> users;
    for (const std::string &name : names) {
        ScenarioContext context(tenant, data, name);
        findScenario(name)->run(context);
        for (ScenarioUser &u : context.users())
            users.push_back(std::move(u));
    }
    for (const User &u : tenant.staff())
        generateWorkWeek(tenant, u, tenant.staff(), {}, data);
    for (const ScenarioUser &u : users)
        generateWorkWeek(tenant, u.user, tenant.staff(), u.adjust, data);
    newestFirst(data.signIns);
    newestFirst(data.audits);
    newestFirst(data.messages);
    return data;
}

bool cancelled(const std::atomic_bool *cancel, SimulateResult &result)
{
    if (cancel && cancel->load(std::memory_order_relaxed)) {
        result.error = "cancelled";
        return true;
    }
    return false;
}

SimulateResult writeScenarios(const SimulateOptions &options, const std::vector<std::string> &names,
                              const std::atomic_bool *cancel,
                              const std::function<void(std::int64_t, std::int64_t)> &progress)
{
    SimulateResult result;
    const Tenant tenant(options.seed);
    const SimData data = buildScenarios(tenant, names);
    const std::filesystem::path dir(options.outDir);
    const std::int64_t total = static_cast<std::int64_t>(data.signIns.size() + data.audits.size() + data.messages.size());
    std::int64_t done = 0;
    auto step = [&] {
        if (progress && ++done % 10000 == 0)
            progress(done, total);
    };

    {
        OutputFile f(dir / "signins.json", &result.error);
        f.buffer() += graphPageHead();
        for (std::size_t i = 0; i < data.signIns.size() && f.ok(); ++i) {
            if (i > 0)
                f.buffer() += ",\n";
            appendGraphSignIn(f.buffer(), data.signIns[i]);
            f.flushIfFull();
            step();
        }
        f.buffer() += graphPageTail();
        if (!f.close() || cancelled(cancel, result))
            return result;
        result.files.push_back(f.path());
    }
    {
        OutputFile f(dir / "audit.csv", &result.error);
        f.buffer() += purviewHeader();
        for (const AuditRecord &r : data.audits) {
            appendPurviewRow(f.buffer(), r, tenant.tenantId(), Tenant::kOrganizationName);
            f.flushIfFull();
            step();
        }
        if (!f.close() || cancelled(cancel, result))
            return result;
        result.files.push_back(f.path());
    }
    {
        OutputFile f(dir / "messagetrace.csv", &result.error);
        f.buffer() += messageTraceHeader();
        for (const MessageRow &m : data.messages) {
            appendMessageTraceRow(f.buffer(), m);
            f.flushIfFull();
            step();
        }
        if (!f.close() || cancelled(cancel, result))
            return result;
        result.files.push_back(f.path());
    }

    SimSummary summary;
    summary.seed = options.seed;
    summary.scenarios = names;
    summary.signIns = static_cast<std::int64_t>(data.signIns.size());
    summary.auditRecords = static_cast<std::int64_t>(data.audits.size());
    summary.messages = static_cast<std::int64_t>(data.messages.size());
    summary.firstMs = std::numeric_limits<std::int64_t>::max();
    summary.lastMs = std::numeric_limits<std::int64_t>::min();
    auto cover = [&](std::int64_t t) {
        summary.firstMs = std::min(summary.firstMs, t);
        summary.lastMs = std::max(summary.lastMs, t);
    };
    for (const auto &s : data.signIns)
        cover(s.timeMs);
    for (const auto &a : data.audits)
        cover(a.timeMs);
    for (const auto &m : data.messages)
        cover(m.timeMs);
    if (!writeWhole(dir / "ground-truth.json", groundTruthJson(tenant, data, summary), result)
        || !writeWhole(dir / "tuning.json", tuningJson(data), result)
        || !writeWhole(dir / "README.txt", readmeText(tenant, data, summary), result))
        return result;
    result.signIns = summary.signIns;
    result.auditRecords = summary.auditRecords;
    result.messages = summary.messages;
    result.findings = static_cast<std::int64_t>(data.findings.size());
    result.traps = static_cast<std::int64_t>(data.traps.size());
    result.ok = true;
    return result;
}

// The benchmark volume: ordinary activity of a tenant large enough for `n` records a kind over
// four working weeks, streamed to disk in time order so that memory stays flat.
class ScaleWriter
{
public:
    ScaleWriter(const SimulateOptions &options, const std::atomic_bool *cancel)
        : m_options(options)
        , m_tenant(options.seed)
        , m_n(options.scale)
        , m_cancel(cancel)
        , m_office(places::office())
    {
        const std::int64_t userCount = std::clamp<std::int64_t>(m_n / 600, 40, 200000);
        m_users = m_tenant.staff();
        for (std::int64_t i = static_cast<std::int64_t>(m_users.size()); i < userCount; ++i) {
            char local[32];
            std::snprintf(local, sizeof local, "employee%06lld", static_cast<long long>(i));
            m_users.push_back(m_tenant.makeUser(local, "Employee " + std::to_string(i), static_cast<int>(i), "Staff"));
        }
    }

    SimulateResult run(const std::function<void(std::int64_t, std::int64_t)> &progress)
    {
        SimulateResult result;
        const std::filesystem::path dir(m_options.outDir);
        // The two files on two threads: each one's writes to disk overlap the other's
        // formatting, which roughly halves the wall time on a machine where the disk is slower
        // than one core's formatting.
        std::string auditError;
        bool auditOk = false;
        std::thread audit([&] { auditOk = writeAudit(dir / "audit.csv", &auditError); });
        const bool signInsOk = writeSignIns(dir / "signins.json", &result.error, progress);
        audit.join();
        if (!signInsOk || !auditOk) {
            if (result.error.empty())
                result.error = auditError;
            return result;
        }
        result.files.push_back((dir / "signins.json").string());
        result.files.push_back((dir / "audit.csv").string());
        SimData empty;
        SimSummary summary;
        summary.seed = m_options.seed;
        summary.signIns = m_n;
        summary.auditRecords = m_n;
        summary.firstMs = timeOf(0);
        summary.lastMs = timeOf(m_n - 1);
        summary.scale = m_n;
        if (!writeWhole(dir / "ground-truth.json", groundTruthJson(m_tenant, empty, summary), result)
            || !writeWhole(dir / "tuning.json", tuningJson(empty), result)
            || !writeWhole(dir / "README.txt", readmeText(m_tenant, empty, summary), result))
            return result;
        result.signIns = m_n;
        result.auditRecords = m_n;
        result.ok = true;
        return result;
    }

private:
    // Record i's time: spread evenly over 20 working days, 12:00-23:00 UTC (08:00-19:00 in New
    // York), weekends skipped. Increasing in i, so the files come out in time order.
    std::int64_t timeOf(std::int64_t i) const
    {
        constexpr int kWorkDays = 20;
        constexpr std::int64_t kWorkMs = 11LL * 3600 * 1000;
        // Integer arithmetic (i < 1e8, so the product stays below 2^63): long double would round
        // differently on other architectures and break byte-identical output.
        const std::int64_t slot = i * (kWorkDays * kWorkMs) / m_n;
        const std::int64_t day = slot / kWorkMs;
        return Tenant::at(static_cast<int>(day / 5 * 7 + day % 5), 12, 0) + (slot % kWorkMs) / 1000 * 1000;
    }

    bool stopped() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }

    bool writeSignIns(const std::filesystem::path &path, std::string *error,
                      const std::function<void(std::int64_t, std::int64_t)> &progress)
    {
        SimRandom rng = SimRandom::forStream(m_options.seed, "scale:signins");
        SimData scratch;
        RecordBuilder b(m_tenant, scratch, rng);
        OutputFile f(path, error);
        f.buffer() += graphPageHead();
        for (std::int64_t i = 0; i < m_n && f.ok(); ++i) {
            const User &u = rng.pick(m_users);
            const Place &p = rng.chance(0.75) ? m_office : u.home;
            const ClientApp app = u.desktopOutlook ? ClientApp::OutlookDesktop : ClientApp::OutlookWeb;
            const double roll = rng.unit();
            if (roll < 0.01)
                b.failedSignIn(u, u.home, timeOf(i), app, 50126); // a mistyped password, from home
            else if (roll < 0.02)
                b.failedSignIn(u, p, timeOf(i), app, 50074);
            else
                b.signIn(u, p, timeOf(i), app, rng.chance(0.35));
            if (i > 0)
                f.buffer() += ",\n";
            appendGraphSignIn(f.buffer(), scratch.signIns.back());
            scratch.signIns.clear();
            f.flushIfFull();
            if ((i & 0xffff) == 0) {
                if (stopped()) {
                    *error = "cancelled";
                    return false;
                }
                if (progress)
                    progress(2 * i, 2 * m_n); // the audit thread runs at about the same pace
            }
        }
        f.buffer() += graphPageTail();
        return f.close();
    }

    bool writeAudit(const std::filesystem::path &path, std::string *error)
    {
        SimRandom rng = SimRandom::forStream(m_options.seed, "scale:audit");
        SimData scratch;
        RecordBuilder b(m_tenant, scratch, rng);
        OutputFile f(path, error);
        f.buffer() += purviewHeader();
        static const std::vector<std::string> subjects = {"Weekly status update", "RE: Q4 budget review",
                                                          "Meeting notes", "FW: Contract renewal draft",
                                                          "RE: Purchase order 77120"};
        for (std::int64_t i = 0; i < m_n && f.ok(); ++i) {
            const User &u = rng.pick(m_users);
            const Place &p = rng.chance(0.75) ? m_office : u.home;
            const ClientApp app = u.desktopOutlook ? ClientApp::OutlookDesktop : ClientApp::OutlookWeb;
            const std::int64_t t = timeOf(i);
            // A sign-in that is not written: it only gives the record its session and token.
            SignIn token;
            token.place = p;
            token.sessionId = rng.guid();
            token.uniqueTokenIdentifier = rng.hex(22);
            const ClientSession session = b.session(u, token, app);
            const double roll = rng.unit();
            if (roll < 0.45) {
                b.mailItemsAccessed(session, t, static_cast<int>(rng.between(1, 5)), "Bind", "\\Inbox");
            } else if (roll < 0.70) {
                b.send(session, t, rng.pick(subjects), {rng.pick(m_users).upn});
            } else if (roll < 0.995) {
                SignIn s = token;
                s.timeMs = t;
                s.appId = "d3590ed6-52b3-4102-aeff-aad2292ab01c";
                s.userAgent = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)";
                s.correlationId = rng.guid();
                // A mistyped password, from home: failures spread over many users from the
                // office address would look like a spray, which this noise must not contain.
                s.errorCode = roll < 0.70 + 0.005 ? 50126 : 0;
                if (s.errorCode != 0)
                    s.place = u.home;
                b.auditSignIn(u, s);
            } else {
                b.cmdlet(session, "New-InboxRule", t,
                         {{"Name", "Move newsletters"}, {"From", "news@industry-digest.example"}, {"MoveToFolder", "Newsletters"}},
                         u.upn + "\\Move newsletters");
            }
            appendPurviewRow(f.buffer(), scratch.audits.back(), m_tenant.tenantId(), Tenant::kOrganizationName);
            scratch.audits.clear();
            scratch.messages.clear();
            f.flushIfFull();
            if ((i & 0xffff) == 0 && stopped()) {
                *error = "cancelled";
                return false;
            }
        }
        return f.close();
    }

    const SimulateOptions &m_options;
    const Tenant m_tenant;
    const std::int64_t m_n;
    const std::atomic_bool *m_cancel;
    const Place m_office;
    std::vector<User> m_users;
};

} // namespace

std::vector<std::string> scenarioNames()
{
    std::vector<std::string> names;
    for (const ScenarioInfo &info : scenarioList())
        names.emplace_back(info.name);
    return names;
}

std::vector<std::string> scenarioSummaries()
{
    std::vector<std::string> lines;
    for (const ScenarioInfo &info : scenarioList()) {
        std::string name = info.name;
        name.resize(std::max<std::size_t>(name.size() + 2, 22), ' ');
        lines.push_back(name + info.summary);
    }
    return lines;
}

SimulateResult simulate(const SimulateOptions &options, const std::atomic_bool *cancel,
                        const std::function<void(std::int64_t, std::int64_t)> &progress)
{
    SimulateResult result;
    if (options.outDir.empty()) {
        result.error = "no output directory";
        return result;
    }
    if (options.scale > 100000000) {
        result.error = "--scale is at most 100000000";
        return result;
    }
    std::vector<std::string> names;
    if (options.scale <= 0) {
        if (options.scenario == "all" || options.scenario.empty()) {
            names = scenarioNames();
        } else if (findScenario(options.scenario)) {
            names.push_back(options.scenario);
        } else {
            result.error = "unknown scenario '" + options.scenario + "'";
            return result;
        }
    }
    std::error_code ec;
    std::filesystem::create_directories(options.outDir, ec);
    if (ec) {
        result.error = options.outDir + ": " + ec.message();
        return result;
    }
    if (options.scale > 0)
        return ScaleWriter(options, cancel).run(progress);
    return writeScenarios(options, names, cancel, progress);
}

} // namespace mp::sim
