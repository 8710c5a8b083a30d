#include "detect/ruleanalysis.h"

#include "util/strings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace mp {

namespace {

bool truthy(std::string_view value)
{
    value = trim(value);
    return iequals(value, "true") || iequals(value, "$true") || value == "1" || iequals(value, "yes");
}

// A parameter value that sets nothing ($null, empty, False).
bool namesNothing(std::string_view value)
{
    value = trim(value);
    return value.empty() || iequals(value, "$null") || iequals(value, "null") || iequals(value, "false")
        || iequals(value, "$false") || value == "[]" || value == "{}";
}

bool isOneOf(std::string_view name, std::initializer_list<std::string_view> names)
{
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); });
}

// Folders attackers file mail into so that the owner never sees it.
constexpr std::string_view kHidingFolders[] = {
    "RSS Subscriptions", "RSS Feeds", "Conversation History", "Junk Email", "Junk E-mail",
    "Deleted Items", "Sync Issues",
};

// Condition words of rules that hide replies about money or about the takeover itself.
constexpr std::string_view kKeywords[] = {
    "invoice", "invoices", "payment", "payments", "wire", "transfer", "bank", "banking", "remittance",
    "ach", "swift", "iban", "payroll", "w2", "w-2", "urgent", "password", "helpdesk", "help desk",
    "hacked", "hack", "phish", "phishing", "compromised", "suspicious", "fraud", "scam", "security",
    "mfa", "verify", "verification", "virus", "malware", "spam",
};

void findKeywords(std::string_view text, std::vector<std::string> &out)
{
    for (const std::string_view k : kKeywords) {
        if (hasTermKql(text, k) && std::find(out.begin(), out.end(), k) == out.end())
            out.emplace_back(k);
    }
}

void findHidingFolder(std::string_view text, RuleAnalysis &a)
{
    for (const std::string_view folder : kHidingFolders) {
        if (a.hidingFolder.empty() && hasTermKql(text, folder))
            a.hidingFolder = std::string(folder);
    }
    if (a.archiveFolder.empty() && hasTermKql(text, "Archive"))
        a.archiveFolder = "Archive";
}

// "mailbox\rule name" -> "mailbox"; ".../contoso.onmicrosoft.com/AdeleV\rule2" -> "AdeleV".
std::string mailboxOf(std::string_view identity)
{
    identity = trim(identity);
    if (const std::size_t backslash = identity.rfind('\\'); backslash != std::string_view::npos)
        identity = identity.substr(0, backslash);
    if (const std::size_t slash = identity.rfind('/'); slash != std::string_view::npos)
        identity = identity.substr(slash + 1);
    return std::string(trim(identity));
}

bool hasLetterOrDigit(std::string_view s)
{
    return std::any_of(s.begin(), s.end(), [](char c) { return isAlnumAscii(c) || static_cast<unsigned char>(c) >= 0x80; });
}

} // namespace

std::vector<RuleParameter> parseRuleParameters(std::string_view json)
{
    std::vector<RuleParameter> out;
    if (json.empty())
        return out;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), static_cast<qsizetype>(json.size())));
    for (const QJsonValue item : doc.array()) {
        const QJsonObject o = item.toObject();
        const QJsonValue value = o.value(QLatin1String("Value"));
        std::string text;
        if (value.isString())
            text = value.toString().toStdString();
        else if (value.isBool())
            text = value.toBool() ? "True" : "False";
        else if (value.isDouble())
            text = QString::number(value.toDouble()).toStdString();
        else if (value.isArray())
            text = QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact).toStdString();
        else if (value.isObject())
            text = QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact).toStdString();
        out.emplace_back(o.value(QLatin1String("Name")).toString().toStdString(), std::move(text));
    }
    return out;
}

bool isOperationPropertyName(std::string_view name)
{
    return startsWithI(name, "Rule") || iequals(name, "ServerRule");
}

int RuleAnalysis::hidingTraits() const
{
    return int(deletes) + int(marksRead) + int(!hidingFolder.empty()) + int(!keywords.empty())
        + int(suspiciousName) + int(noCopyKept);
}

bool RuleAnalysis::hasTraits() const
{
    return forwarding || hidingTraits() > 0 || !archiveFolder.empty();
}

bool actorOwnsMailbox(std::string_view actor, std::string_view mailbox)
{
    mailbox = trim(mailbox);
    if (mailbox.empty() || iequals(actor, mailbox))
        return true;
    if (mailbox.find('@') != std::string_view::npos)
        return false;
    const std::size_t at = actor.find('@');
    return at != std::string_view::npos && iequals(actor.substr(0, at), mailbox);
}

RuleAnalysis analyseRule(const RuleRow &rule, const DetectionInput &input)
{
    RuleAnalysis a;
    const std::vector<RuleParameter> parameters = parseRuleParameters(rule.parameters);
    const std::string_view operation = input.texts.view(rule.operation);

    bool forwardingParameter = false;   // a forwarding parameter with a value
    bool forwardingCleared = false;     // a forwarding parameter set to nothing
    bool deliverAndForwardFalse = false;
    std::string identity;
    std::string mailboxParameter;
    for (const auto &[name, value] : parameters) {
        if (isOneOf(name, {"ForwardTo", "ForwardAsAttachmentTo", "RedirectTo", "ForwardingSmtpAddress", "ForwardingAddress"})) {
            if (namesNothing(value)) {
                forwardingCleared = true;
            } else {
                forwardingParameter = true;
                if (isOneOf(name, {"ForwardingSmtpAddress", "ForwardingAddress"}))
                    a.mailboxForwarding = true;
            }
        } else if (iequals(name, "DeliverToMailboxAndForward")) {
            deliverAndForwardFalse = !truthy(value) && !trim(value).empty();
        } else if (isOneOf(name, {"DeleteMessage", "SoftDeleteMessage"})) {
            a.deletes = a.deletes || truthy(value);
        } else if (iequals(name, "MarkAsRead")) {
            a.marksRead = a.marksRead || truthy(value);
        } else if (iequals(name, "StopProcessingRules")) {
            a.stopsProcessing = a.stopsProcessing || truthy(value);
        } else if (iequals(name, "MoveToFolder")) {
            if (!namesNothing(value))
                findHidingFolder(value, a);
        } else if (isOneOf(name, {"SubjectContainsWords", "SubjectOrBodyContainsWords", "BodyContainsWords",
                                  "FromAddressContainsWords", "HeaderContainsWords", "RuleCondition"})) {
            if (!namesNothing(value)) {
                a.hasKeywordCondition = true;
                findKeywords(value, a.keywords);
            }
        } else if (iequals(name, "RuleActions") || iequals(name, "ServerRule")) {
            // UpdateInboxRules (Outlook): actions as JSON text; the importer already took the
            // forward recipients out of it.
            if (findI(value, "ForwardToRecipientsAction") != std::string_view::npos
                || findI(value, "ForwardAsAttachmentToRecipientsAction") != std::string_view::npos
                || findI(value, "RedirectToRecipientsAction") != std::string_view::npos)
                forwardingParameter = true;
            if (findI(value, "DeleteAction") != std::string_view::npos || findI(value, "SoftDelete") != std::string_view::npos)
                a.deletes = true;
            if (findI(value, "MarkAsReadAction") != std::string_view::npos)
                a.marksRead = true;
            if (findI(value, "StopProcessing") != std::string_view::npos)
                a.stopsProcessing = true;
            if (findI(value, "Move") != std::string_view::npos)
                findHidingFolder(value, a);
        } else if (iequals(name, "RuleOperation")) {
            if (findI(value, "Remove") != std::string_view::npos || findI(value, "Delete") != std::string_view::npos)
                a.removal = true;
        } else if (iequals(name, "Enabled") && rule.snapshot) {
            a.disabled = iequals(trim(value), "false");
        } else if (iequals(name, "Mailbox")) {
            mailboxParameter = value;
        } else if (iequals(name, "Identity")) {
            identity = value;
        }
    }
    if (findI(operation, "Remove-") == 0 || findI(operation, "Disable-") == 0)
        a.removal = true;

    // Every forwarding address the importer found, judged inside or outside the tenant.
    std::string_view targets = rule.forwardTargets;
    while (!targets.empty()) {
        const std::size_t semi = targets.find(';');
        const std::string_view t = trim(targets.substr(0, semi));
        if (!t.empty())
            a.targets.push_back({std::string(t), input.isExternalAddress(t)});
        if (semi == std::string_view::npos)
            break;
        targets.remove_prefix(semi + 1);
    }
    a.forwarding = forwardingParameter || !a.targets.empty();
    a.externalForward = std::any_of(a.targets.begin(), a.targets.end(), [](const ForwardTarget &t) { return t.external; });
    if (!a.forwarding && forwardingCleared && !a.hasTraits())
        a.removal = true; // Set-Mailbox -ForwardingSmtpAddress $null: forwarding switched off
    a.noCopyKept = a.forwarding && deliverAndForwardFalse && a.mailboxForwarding;
    a.suspiciousName = !rule.ruleName.empty() && !hasLetterOrDigit(rule.ruleName);

    if (rule.snapshot && rule.user)
        a.mailbox = std::string(input.users.view(rule.user));
    else if (!mailboxParameter.empty())
        a.mailbox = mailboxOf(mailboxParameter);
    else if (!identity.empty())
        a.mailbox = mailboxOf(identity);
    else if (!rule.objectId.empty())
        a.mailbox = mailboxOf(rule.objectId);

    // Score: an ordinary organising rule stays informational; forwarding out of the tenant and
    // combinations of hiding traits are what takeovers look like.
    double score = 10;
    auto reason = [&](double points, std::string text) {
        score += points;
        a.reasons.push_back(std::move(text));
    };
    std::size_t externalCount = 0;
    for (const ForwardTarget &t : a.targets)
        externalCount += t.external;
    if (a.externalForward) {
        std::string text = std::string(a.mailboxForwarding ? "forwards all mail" : "forwards") + " outside the tenant to ";
        bool first = true;
        for (const ForwardTarget &t : a.targets) {
            if (!t.external)
                continue;
            text += (first ? "" : ", ") + t.address;
            first = false;
        }
        reason(60 + std::min<double>(10, 5.0 * static_cast<double>(externalCount - 1)), std::move(text));
    } else if (a.forwarding) {
        std::string text = std::string(a.mailboxForwarding ? "forwards all mail" : "forwards") + " inside the tenant";
        if (!a.targets.empty()) {
            text += " to ";
            for (std::size_t i = 0; i < a.targets.size(); ++i)
                text += (i ? ", " : "") + a.targets[i].address;
        } else {
            text += " (recipients not logged)";
        }
        reason(15, std::move(text));
    }
    if (a.noCopyKept)
        reason(10, "keeps no copy in the mailbox");
    if (a.deletes)
        reason(20, "deletes messages");
    if (a.marksRead)
        reason(15, "marks messages as read");
    if (!a.hidingFolder.empty())
        reason(35, "moves messages to " + a.hidingFolder);
    else if (!a.archiveFolder.empty())
        reason(10, "moves messages to Archive");
    if (!a.keywords.empty()) {
        std::string text = "condition on words such as ";
        for (std::size_t i = 0; i < a.keywords.size() && i < 4; ++i)
            text += (i ? ", " : "") + a.keywords[i];
        reason(20, std::move(text));
    }
    if (a.suspiciousName)
        reason(20, "rule name '" + rule.ruleName + "' is made to go unnoticed");
    const int hiding = a.hidingTraits();
    const bool hidesMail = a.deletes || a.marksRead || !a.hidingFolder.empty() || !a.archiveFolder.empty();
    if (a.hasKeywordCondition && a.keywords.empty() && hidesMail)
        reason(10, "hides messages that match a word condition");
    if (a.stopsProcessing && (hiding > 0 || a.forwarding))
        reason(5, "stops processing further rules");
    if (hiding >= 2)
        reason(20, "combines several ways of hiding mail");
    if (a.externalForward && hiding >= 1)
        reason(15, "forwards outside and hides");
    if (a.disabled)
        reason(-20, "rule is disabled");
    a.score = std::clamp(score, 0.0, 100.0);
    return a;
}

} // namespace mp
