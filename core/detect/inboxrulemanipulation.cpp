// InboxRuleManipulation (default profile): inbox rules, mailbox forwarding and rule snapshots,
// judged by where they send mail and what they hide from the owner.
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "detect/ruleanalysis.h"
#include "util/jsonwriter.h"
#include "util/strings.h"

namespace mp {

namespace {

// Tenant domains listed in a rule finding's details; the total is always given.
constexpr std::size_t kMaxTenantDomainsListed = 20;

bool isRuleCreation(std::string_view operation)
{
    return iequals(operation, "New-InboxRule") || iequals(operation, "Set-InboxRule")
        || iequals(operation, "UpdateInboxRules");
}

} // namespace

void detectInboxRuleManipulation(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    for (const RuleRow &rule : input.rules) {
        const std::string_view operation = input.texts.view(rule.operation);
        const RuleAnalysis a = analyseRule(rule, input);
        if (a.removal)
            continue;
        // Rules are always reported (an ordinary one as informational); mailbox settings and
        // auto-replies only when they forward or hide.
        if (!rule.snapshot && !isRuleCreation(operation) && !a.hasTraits())
            continue;

        Finding f;
        f.detector = std::string(detector_names::kInboxRuleManipulation);
        f.score = detect::clampScore(a.score);
        f.severity = detect::severityForScore(f.score);
        f.user = std::string(input.users.view(rule.user));
        if (rule.ip)
            f.ips.emplace_back(input.ips.view(rule.ip));
        f.firstTimeMs = rule.timeMs;
        f.lastTimeMs = rule.timeMs;
        f.evidence = {rule.eventId};
        f.fingerprint = detect::fingerprint(f.detector, "default", f.user, {rule.eventId});
        const bool onBehalf = !rule.snapshot && !actorOwnsMailbox(f.user, a.mailbox);
        if (onBehalf && tuning.isAdminAccount(f.user))
            f.suppressedBy = "admin_accounts: " + f.user;

        std::string what;
        if (rule.snapshot)
            what = "Inbox rule '" + rule.ruleName + "' of " + f.user;
        else if (a.mailboxForwarding)
            what = f.user + " set mailbox forwarding (" + std::string(operation) + ")";
        else
            what = f.user + " " + (iequals(operation, "New-InboxRule") ? "created" : "changed") + " inbox rule '"
                + rule.ruleName + "' (" + std::string(operation) + ")";
        if (onBehalf)
            what += " on mailbox " + a.mailbox;
        f.summary = what + ": ";
        if (a.reasons.empty()) {
            f.summary += "an ordinary rule";
        } else {
            for (std::size_t i = 0; i < a.reasons.size(); ++i)
                f.summary += (i ? "; " : "") + a.reasons[i];
        }

        JsonWriter w;
        w.beginObject();
        w.field("operation", operation);
        w.field("rule_name", rule.ruleName);
        w.field("mailbox", a.mailbox);
        w.key("snapshot");
        w.value(rule.snapshot);
        w.key("on_behalf_of_other");
        w.value(onBehalf);
        w.key("forwarding");
        w.value(a.forwarding);
        w.key("mailbox_forwarding");
        w.value(a.mailboxForwarding);
        w.key("forward_targets");
        w.beginArray();
        for (const ForwardTarget &t : a.targets) {
            w.beginObject();
            w.field("address", t.address);
            w.key("external");
            w.value(t.external);
            w.endObject();
        }
        w.endArray();
        w.key("hiding");
        w.beginArray();
        if (a.deletes)
            w.value("delete");
        if (a.marksRead)
            w.value("mark-read");
        if (!a.hidingFolder.empty())
            w.value("move:" + a.hidingFolder);
        if (!a.archiveFolder.empty() && a.hidingFolder.empty())
            w.value("move:" + a.archiveFolder);
        if (a.noCopyKept)
            w.value("no-copy-kept");
        if (a.suspiciousName)
            w.value("inconspicuous-name");
        w.endArray();
        w.key("keywords");
        w.beginArray();
        for (const std::string &k : a.keywords)
            w.value(k);
        w.endArray();
        w.key("stops_processing");
        w.value(a.stopsProcessing);
        if (rule.snapshot) {
            w.key("enabled");
            w.value(!a.disabled);
        }
        w.key("reasons");
        w.beginArray();
        for (const std::string &r : a.reasons)
            w.value(r);
        w.endArray();
        // The domains that made a target internal, cut short: a tenant can have thousands, and
        // every rule finding would carry them all.
        w.key("tenant_domains");
        w.beginArray();
        const std::vector<std::string> &domains = input.tenantDomains();
        for (std::size_t i = 0; i < domains.size() && i < kMaxTenantDomainsListed; ++i)
            w.value(domains[i]);
        w.endArray();
        w.field("tenant_domains_total", static_cast<std::int64_t>(domains.size()));
        w.endObject();
        f.details = w.take();
        out.push_back(std::move(f));
    }
}

} // namespace mp
