#include "simulate/scenario.h"

namespace mp::sim {

ScenarioContext::ScenarioContext(const Tenant &tenant, SimData &out, std::string_view name)
    : m_tenant(tenant)
    , m_out(out)
    , m_name(name)
    , m_rng(SimRandom::forStream(tenant.seed(), "scenario:" + std::string(name)))
    , m_builder(tenant, out, m_rng)
{
}

User ScenarioContext::addUser(std::string_view localPart, std::string_view displayName, int homeIndex,
                                     std::string_view department, PlanAdjuster adjust)
{
    m_users.push_back({m_tenant.makeUser(localPart, displayName, homeIndex, department), std::move(adjust)});
    return m_users.back().user;
}

ExpectedFinding &ScenarioContext::expect(std::string detector, const User &user, const Place &place,
                                         std::int64_t firstMs, std::int64_t lastMs, bool seedProfileRaises,
                                         std::string why)
{
    ExpectedFinding f;
    f.scenario = m_name;
    f.detector = std::move(detector);
    f.user = user.upn;
    f.ip = place.ip;
    f.ips = {place.ip};
    f.firstMs = firstMs;
    f.lastMs = lastMs;
    f.seedProfileRaises = seedProfileRaises;
    f.why = std::move(why);
    m_out.findings.push_back(std::move(f));
    return m_out.findings.back();
}

BenignTrap &ScenarioContext::trap(std::vector<std::string> detectors, const User &user, std::vector<std::string> ips,
                                  std::int64_t firstMs, std::int64_t lastMs, std::string tuning, std::string why)
{
    BenignTrap t;
    t.scenario = m_name;
    t.detectors = std::move(detectors);
    t.user = user.upn;
    t.ips = std::move(ips);
    t.firstMs = firstMs;
    t.lastMs = lastMs;
    t.tuning = std::move(tuning);
    t.why = std::move(why);
    m_out.traps.push_back(std::move(t));
    return m_out.traps.back();
}

void ScenarioContext::acceptable(std::string detector, const User &user, const Place &place, std::string why)
{
    AcceptableFinding a;
    a.scenario = m_name;
    a.detector = std::move(detector);
    a.user = user.upn;
    a.ip = place.ip;
    a.why = std::move(why);
    m_out.acceptable.push_back(std::move(a));
}

void ScenarioContext::story(std::string text)
{
    m_out.story.push_back(std::move(text));
}

const std::vector<ScenarioInfo> &scenarioList()
{
    static const std::vector<ScenarioInfo> list = {
        {"inbox-rule", "seed test 1: New-InboxRule forwarding to an external address from the attacker's IP", false,
         inboxRuleScenario},
        {"credential-spray", "seed test 2: password spray over legacy protocols, one account falls", false,
         credentialSprayScenario},
        {"bulk-send", "seed test 3: 60 sends in 40 minutes that clock-hour bins split 30/30", false, bulkSendScenario},
        {"impossible-travel", "seed test 4: United States then Germany 20 minutes apart, across 10:00", false,
         impossibleTravelScenario},
        {"bec-two-victims", "AiTM phishing, session replay, hiding rule, forwarding, thread hijack; two victims", false,
         becTwoVictimsScenario},
        {"benign-travel", "trap: a flight to London with a plausible gap", true, benignTravelScenario},
        {"benign-vpn", "trap: corporate VPN exits in two countries (trusted_networks)", true, benignVpnScenario},
        {"benign-migration", "trap: migration admins forwarding others' mail (admin_accounts)", true,
         benignMigrationScenario},
        {"benign-transactional", "trap: an order-notification mailbox sending 500 an hour (service_accounts)", true,
         benignTransactionalScenario},
    };
    return list;
}

const ScenarioInfo *findScenario(std::string_view name)
{
    for (const ScenarioInfo &info : scenarioList()) {
        if (name == info.name)
            return &info;
    }
    return nullptr;
}

} // namespace mp::sim
