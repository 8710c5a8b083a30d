#pragma once

#include "simulate/recordbuilder.h"
#include "simulate/simrandom.h"
#include "simulate/simrecords.h"
#include "simulate/tenant.h"
#include "simulate/workweek.h"

#include <string>
#include <string_view>
#include <vector>

namespace mp::sim {

// A person a scenario adds to the tenant, with how the story changes their ordinary week.
struct ScenarioUser
{
    User user;
    PlanAdjuster adjust;
};

// What a scenario works with: the tenant, its own random stream (so scenarios never disturb each
// other's numbers), a record builder, and the lists it fills.
class ScenarioContext
{
public:
    ScenarioContext(const Tenant &tenant, SimData &out, std::string_view name);

    const Tenant &tenant() const { return m_tenant; }
    SimData &out() { return m_out; }
    SimRandom &rng() { return m_rng; }
    RecordBuilder &build() { return m_builder; }
    const std::string &name() const { return m_name; }
    std::vector<ScenarioUser> &users() { return m_users; }

    // Adds a person whose ordinary week is generated too, changed by `adjust`.
    User addUser(std::string_view localPart, std::string_view displayName, int homeIndex,
                        std::string_view department, PlanAdjuster adjust = {});

    ExpectedFinding &expect(std::string detector, const User &user, const Place &place, std::int64_t firstMs,
                            std::int64_t lastMs, bool seedProfileRaises, std::string why);
    BenignTrap &trap(std::vector<std::string> detectors, const User &user, std::vector<std::string> ips,
                     std::int64_t firstMs, std::int64_t lastMs, std::string tuning, std::string why);
    void acceptable(std::string detector, const User &user, const Place &place, std::string why);
    void story(std::string text);

private:
    const Tenant &m_tenant;
    SimData &m_out;
    std::string m_name;
    SimRandom m_rng;
    RecordBuilder m_builder;
    std::vector<ScenarioUser> m_users;
};

struct ScenarioInfo
{
    const char *name;
    const char *summary;
    bool benign;
    void (*run)(ScenarioContext &context);
};

// Every scenario, in the order `all` runs them. Names are stable: tests and the README use them.
const std::vector<ScenarioInfo> &scenarioList();
const ScenarioInfo *findScenario(std::string_view name);

// The scenarios (attackscenarios.cpp, benignscenarios.cpp).
void inboxRuleScenario(ScenarioContext &context);
void credentialSprayScenario(ScenarioContext &context);
void bulkSendScenario(ScenarioContext &context);
void impossibleTravelScenario(ScenarioContext &context);
void becTwoVictimsScenario(ScenarioContext &context);
void benignTravelScenario(ScenarioContext &context);
void benignVpnScenario(ScenarioContext &context);
void benignMigrationScenario(ScenarioContext &context);
void benignTransactionalScenario(ScenarioContext &context);

} // namespace mp::sim
