#include "simulate/workweek.h"

#include "simulate/places.h"
#include "simulate/recordbuilder.h"

#include <algorithm>

namespace mp::sim {

namespace {

constexpr std::int64_t kMinute = 60 * 1000;

const std::vector<std::string> &subjects()
{
    static const std::vector<std::string> list = {
        "Q4 budget review",          "Weekly status update",     "Customer escalation - ticket 48213",
        "Contract renewal draft",    "Lunch on Thursday?",       "Updated slide deck",
        "Invoice 2291 - October",    "Purchase order 77120",     "Offsite agenda",
        "Interview schedule",        "Release notes 4.2",        "Expense report",
        "Meeting notes",             "Pricing proposal",         "Onboarding checklist",
        "Travel itinerary",          "Payment terms for renewal", "Board pack - draft 3",
    };
    return list;
}

const std::vector<std::string> &newsletterSenders()
{
    static const std::vector<std::string> list = {"news@industry-digest.example", "events@saas-weekly.example",
                                                  "updates@cloud-insider.example"};
    return list;
}

std::vector<std::int64_t> sortedTimes(SimRandom &rng, int count, std::int64_t from, std::int64_t to)
{
    std::vector<std::int64_t> times;
    for (int i = 0; i < count; ++i)
        times.push_back(rng.between(from, std::max(from, to)) / 1000 * 1000);
    std::sort(times.begin(), times.end());
    return times;
}

DayPlan defaultPlan(const User &user, int day, SimRandom &rng)
{
    DayPlan plan;
    plan.works = !rng.chance(0.04);
    plan.places.push_back(rng.chance(0.15) ? user.home : places::office());
    // 08:30-10:00 New York time (EDT, UTC-4) to a working day of about eight hours.
    plan.startMs = Tenant::at(day, 12, 30) + rng.between(0, 90) * kMinute + rng.between(0, 59) * 1000;
    plan.endMs = plan.startMs + rng.around(8 * 60, 45) * kMinute;
    plan.evening = rng.chance(0.3);
    return plan;
}

std::vector<std::string> pickRecipients(SimRandom &rng, const User &user, const std::vector<User> &colleagues)
{
    std::vector<std::string> to;
    const int n = static_cast<int>(rng.between(1, 3));
    for (int i = 0; i < n; ++i) {
        std::string address;
        if (rng.chance(0.6) && !colleagues.empty())
            address = rng.pick(colleagues).upn;
        else
            address = rng.pick(partnerAddresses());
        if (address != user.upn && std::find(to.begin(), to.end(), address) == to.end())
            to.push_back(address);
    }
    if (to.empty())
        to.push_back(partnerAddresses().front());
    return to;
}

void organisingRule(RecordBuilder &b, const ClientSession &session, std::int64_t t)
{
    SimRandom &rng = b.rng();
    const std::string sender = rng.pick(newsletterSenders());
    // An engine may list it (the issue asks for every rule to be scored), but never above low.
    AcceptableFinding ordinary;
    ordinary.scenario = "background";
    ordinary.detector = "InboxRuleManipulation";
    ordinary.user = session.user->upn;
    ordinary.ip = session.address;
    ordinary.why = "an ordinary rule that files newsletters from " + sender;
    ordinary.maxSeverity = "low";
    ordinary.timeMs = t;
    b.out().acceptable.push_back(std::move(ordinary));
    if (session.app == ClientApp::OutlookDesktop) {
        // Outlook's rules wizard stores the rule itself: the audit log sees UpdateInboxRules.
        b.updateInboxRules(session, t,
                           {{"RuleOperation", "AddMailboxRule"},
                            {"RuleId", rng.hex(16)},
                            {"RuleName", "Newsletters"},
                            {"RuleCondition", "From " + sender},
                            {"RuleActions", "[{\"ActionType\":\"MoveToFolderAction\",\"Folder\":\"Newsletters\"}]"},
                            {"RuleState", "Enabled"}});
        return;
    }
    b.cmdlet(session, "New-InboxRule", t,
             {{"AlwaysDeleteOutlookRulesBlob", "False"},
              {"Force", "False"},
              {"Name", "Move newsletters"},
              {"From", sender},
              {"MoveToFolder", "Newsletters"},
              {"StopProcessingRules", "False"}},
             session.user->upn + "\\Move newsletters");
}

} // namespace

const std::vector<std::string> &partnerAddresses()
{
    static const std::vector<std::string> list = {
        "orders@northwind-traders.example", "j.miller@fabrikam.example",   "support@adatum.example",
        "info@wingtiptoys.example",         "m.schulz@litware.example",    "accounts@tailspintoys.example",
        "legal@proseware.example",          "pat.lee@woodgrovebank.example",
    };
    return list;
}

void generateWorkWeek(const Tenant &tenant, const User &user, const std::vector<User> &colleagues,
                      const PlanAdjuster &adjust, SimData &out)
{
    SimRandom rng = SimRandom::forStream(tenant.seed(), "week:" + user.upn);
    RecordBuilder b(tenant, out, rng);
    for (int day = 0; day < Tenant::kDays; ++day) {
        DayPlan plan = defaultPlan(user, day, rng);
        if (adjust)
            adjust(day, plan);
        if (!plan.works || plan.places.empty())
            continue;
        const std::int64_t start = plan.startMs;
        const std::int64_t end = std::max(plan.endMs, start + 60 * kMinute);
        const std::int64_t part = (end - start) / static_cast<std::int64_t>(plan.places.size());
        auto placeAt = [&](std::int64_t t) -> const Place & {
            const auto i = std::min<std::int64_t>((t - start) / std::max<std::int64_t>(part, 1),
                                                  static_cast<std::int64_t>(plan.places.size()) - 1);
            return plan.places[static_cast<std::size_t>(std::max<std::int64_t>(i, 0))];
        };

        const ClientApp app = user.desktopOutlook ? ClientApp::OutlookDesktop : ClientApp::OutlookWeb;
        if (plan.noise && rng.chance(0.04)) {
            // A mistyped password: one failure, then the right one.
            SignIn &f = b.failedSignIn(user, plan.places.front(), start - rng.between(30, 90) * 1000, app, 50126);
            b.auditSignIn(user, f);
        } else if (plan.noise && rng.chance(0.05)) {
            // MFA prompt: an interrupt, not a failed password.
            b.failedSignIn(user, plan.places.front(), start - rng.between(20, 50) * 1000, app, 50074);
        }
        const SignIn morning = b.signIn(user, plan.places.front(), start, app, true);
        b.auditSignIn(user, morning);
        ClientSession session = b.session(user, morning, app);
        std::vector<ClientSession> sessions = {session};
        // Moving to the next place (a VPN exit, home after lunch): the client refreshes its
        // token from there and carries on in the same session.
        for (std::size_t i = 1; i < plan.places.size(); ++i) {
            const std::int64_t t = start + part * static_cast<std::int64_t>(i) + rng.between(0, 5) * kMinute;
            SignIn &refresh = b.signIn(user, plan.places[i], t, app, false);
            refresh.sessionId = morning.sessionId;
            sessions.push_back(b.continueSession(session, plan.places[i], app));
        }
        auto sessionAt = [&](std::int64_t t) -> const ClientSession & {
            const Place &p = placeAt(t);
            for (const ClientSession &s : sessions) {
                if (s.place.ip == p.ip)
                    return s;
            }
            return sessions.front();
        };
        for (std::int64_t t : sortedTimes(rng, static_cast<int>(rng.between(2, 3)), start + 30 * kMinute, end)) {
            SignIn &refresh = b.signIn(user, placeAt(t), t, app, false);
            refresh.sessionId = morning.sessionId;
        }
        for (std::int64_t t : sortedTimes(rng, static_cast<int>(rng.between(2, 5)), start + 2 * kMinute, end))
            b.mailItemsAccessed(sessionAt(t), t, static_cast<int>(rng.between(1, 6)), rng.chance(0.7) ? "Bind" : "Sync",
                                "\\Inbox");
        for (std::int64_t t : sortedTimes(rng, static_cast<int>(rng.between(2, 6)), start - 3 * 60 * kMinute, end)) {
            const bool newsletter = rng.chance(0.3);
            b.inbound(newsletter ? rng.pick(newsletterSenders()) : rng.pick(partnerAddresses()), user.upn, t,
                      newsletter ? "This week in cloud security" : rng.pick(subjects()));
        }
        for (std::int64_t t : sortedTimes(rng, static_cast<int>(rng.between(3, 10)), start + 10 * kMinute, end)) {
            std::string subject = rng.pick(subjects());
            const double kind = rng.unit();
            if (kind < 0.35)
                subject = "RE: " + subject;
            else if (kind < 0.45)
                subject = "FW: " + subject;
            b.send(sessionAt(t), t, subject, pickRecipients(rng, user, colleagues));
        }
        if (plan.noise && rng.chance(0.04))
            organisingRule(b, sessionAt(start + 20 * kMinute), start + rng.between(15, 120) * kMinute);
        if (plan.evening) {
            // 19:00-21:30 in New York: the phone on the home network.
            const std::int64_t t = Tenant::at(day, 23, 0) + rng.between(0, 150) * kMinute + rng.between(0, 59) * 1000;
            SignIn &phone = b.signIn(user, user.home, t, ClientApp::OutlookMobile, false);
            const SignIn copy = phone;
            const ClientSession mobile = b.session(user, copy, ClientApp::OutlookMobile);
            b.mailItemsAccessed(mobile, t + 40 * 1000, static_cast<int>(rng.between(2, 8)), "Sync", "\\Inbox");
        }
    }
}

} // namespace mp::sim
