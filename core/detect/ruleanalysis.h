#pragma once

#include "detect/detectioninput.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mp {

using RuleParameter = std::pair<std::string, std::string>; // name, value

// Event::parameters as name/value pairs, in order. Unreadable text gives none.
std::vector<RuleParameter> parseRuleParameters(std::string_view json);

// The names UpdateInboxRules carries in OperationProperties (RuleName, RuleActions,
// RuleCondition, RuleOperation, RuleId, RuleState, RuleProvider, ServerRule, ...). The importer
// keeps them in Event::parameters together with Parameters; no cmdlet parameter of the rule and
// mailbox cmdlets starts with "Rule", so the name tells them apart again.
bool isOperationPropertyName(std::string_view name);

struct ForwardTarget
{
    std::string address;
    bool external = false;
};

// What an inbox rule, a rule snapshot or a mailbox forwarding change does, judged the way an
// investigator reads it: where mail goes, what is hidden from the owner, and how much that
// looks like a takeover.
struct RuleAnalysis
{
    std::string mailbox;           // whose mailbox (Mailbox/Identity/object), as logged; may be empty
    bool removal = false;          // removes a rule or clears forwarding: nothing to judge
    bool forwarding = false;       // forwards, redirects or sets mailbox forwarding
    bool mailboxForwarding = false; // Set-Mailbox ForwardingSmtpAddress/ForwardingAddress
    std::vector<ForwardTarget> targets;
    bool externalForward = false;
    bool deletes = false;          // DeleteMessage, SoftDeleteMessage, delete actions
    bool marksRead = false;
    bool noCopyKept = false;       // DeliverToMailboxAndForward False with forwarding
    bool stopsProcessing = false;
    std::string hidingFolder;      // RSS Subscriptions, Conversation History, Junk Email, ...
    std::string archiveFolder;     // Archive: hides too, but is also where tidy people file
    std::vector<std::string> keywords; // suspicious condition words that matched
    bool hasKeywordCondition = false;  // any subject/body/header word condition
    bool suspiciousName = false;   // ".", "..", "-", ...: a name meant not to be noticed
    bool disabled = false;         // snapshot row with Enabled False
    std::vector<std::string> reasons; // what raised the score, for the summary and details
    double score = 0;

    // Traits that hide mail from the owner (the combination matters more than any one).
    int hidingTraits() const;
    // Whether there is anything to report for operations that are not rule creations
    // (Set-Mailbox, Set-MailboxAutoReplyConfiguration, Enable-InboxRule).
    bool hasTraits() const;
};

RuleAnalysis analyseRule(const RuleRow &rule, const DetectionInput &input);

// Whether the account that acted is the owner of the mailbox: a mailbox named by UPN, by alias or
// not named at all (own mailbox) counts as the actor's.
bool actorOwnsMailbox(std::string_view actor, std::string_view mailbox);

} // namespace mp
