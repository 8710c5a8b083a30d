// BulkEmailSending (default profile): a user sending the threshold or more within any window of
// the configured length (sliding, not clock bins), with the IPs it came from and, when message
// trace is loaded, the number of distinct recipients.
#include "detect/detector.h"
#include "detect/detectutil.h"
#include "util/jsonwriter.h"
#include "util/timeparse.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace mp {

namespace {

// Message trace rows of a burst are looked for this long around its sends: trace and audit
// clocks are not the same clock.
constexpr std::int64_t kTraceSlackMs = 5 * 60 * 1000;

struct Send
{
    std::int64_t timeMs;
    std::int64_t eventId;
    StrId ip;
};

} // namespace

void detectBulkEmailSending(const DetectionInput &input, const Tuning &tuning, std::vector<Finding> &out)
{
    const std::int64_t windowMs = static_cast<std::int64_t>(tuning.bulkSendWindowMinutes) * 60 * 1000;
    const std::size_t threshold = static_cast<std::size_t>(std::max(1, tuning.bulkSendThreshold));
    std::vector<Send> sends;
    std::unordered_set<StrId> seenMessages;
    // When the user was first seen at each address (sign-ins and audit records), filled once for
    // a user with a burst: a burst's address is new when the user was not there before it.
    std::unordered_map<StrId, std::int64_t> firstSeen;
    for (StrId user = 1; user < input.users.size(); ++user) {
        if (input.cancelled())
            return;
        sends.clear();
        for (const std::uint32_t i : input.auditsByUser.of(user)) {
            const AuditRow &r = input.audits[i];
            if (r.timeMs == kNoTime || !input.textHas(r.operation, DetectionInput::SendOperation))
                continue;
            if (r.workload && !input.textHas(r.workload, DetectionInput::ExchangeWorkload))
                continue;
            sends.push_back({r.timeMs, r.eventId, r.ip});
        }
        bool fromTrace = false;
        if (sends.empty()) {
            // No Send records for this user (mailbox auditing off, or not exported): the message
            // trace tells the same story, one message per message id.
            seenMessages.clear();
            for (const std::uint32_t i : input.messagesBySender.of(user)) {
                const MessageRow &m = input.messages[i];
                if (m.timeMs == kNoTime || (m.messageId && !seenMessages.insert(m.messageId).second))
                    continue;
                sends.push_back({m.timeMs, m.eventId, m.ip});
            }
            fromTrace = true;
        }
        if (sends.size() < threshold)
            continue;

        firstSeen.clear();
        bool firstSeenFilled = false;
        const auto seenBefore = [&](StrId ip, std::int64_t timeMs) {
            if (!firstSeenFilled) {
                // Rows are in time order: the first row at an address is the earliest.
                for (const std::uint32_t i : input.signInsByUser.of(user))
                    firstSeen.try_emplace(input.signIns[i].ip, input.signIns[i].timeMs);
                for (const std::uint32_t i : input.auditsByUser.of(user)) {
                    const auto [it, added] = firstSeen.try_emplace(input.audits[i].ip, input.audits[i].timeMs);
                    if (!added)
                        it->second = std::min(it->second, input.audits[i].timeMs);
                }
                firstSeenFilled = true;
            }
            const auto it = firstSeen.find(ip);
            return it != firstSeen.end() && it->second < timeMs;
        };

        // Bursts: maximal runs of sends each of which lies in some window holding >= threshold.
        std::size_t runBegin = SIZE_MAX, runEnd = 0, maxInWindow = 0;
        auto flush = [&] {
            if (runBegin == SIZE_MAX)
                return;
            const std::string userName(input.users.view(user));
            std::vector<StrId> ips;
            std::map<std::string_view, std::int64_t> perIp;
            Finding f;
            f.detector = std::string(detector_names::kBulkEmailSending);
            f.user = userName;
            for (std::size_t k = runBegin; k < runEnd; ++k) {
                f.evidence.push_back(sends[k].eventId);
                ips.push_back(sends[k].ip);
                ++perIp[input.ips.view(sends[k].ip)];
            }
            f.ips = detect::ipsByFrequency(input, ips);
            f.firstTimeMs = sends[runBegin].timeMs;
            f.lastTimeMs = sends[runEnd - 1].timeMs;
            const std::size_t count = runEnd - runBegin;

            // An address the user had not used before the burst: sending from where the
            // account never was is what a takeover looks like.
            std::vector<std::string> newIps;
            for (const std::string &ip : f.ips) {
                if (!seenBefore(input.ips.find(ip), f.firstTimeMs))
                    newIps.push_back(ip);
            }
            // Only meaningful when the account has a past in the case to compare with.
            const auto signIns = input.signInsByUser.of(user);
            const auto audits = input.auditsByUser.of(user);
            const bool historyBefore = (!signIns.empty() && input.signIns[signIns.front()].timeMs < f.firstTimeMs)
                || (!audits.empty() && input.audits[audits.front()].timeMs < f.firstTimeMs);

            // Distinct recipients from the message trace around the burst.
            std::int64_t recipients = -1;
            const auto traced = input.messagesBySender.of(user);
            if (!traced.empty()) {
                std::unordered_set<StrId> distinct;
                for (const std::uint32_t i : traced) {
                    const MessageRow &m = input.messages[i];
                    if (m.timeMs < f.firstTimeMs - kTraceSlackMs || m.timeMs > f.lastTimeMs + kTraceSlackMs)
                        continue;
                    for (std::uint32_t r = 0; r < m.recipientCount; ++r)
                        distinct.insert(input.recipients[m.firstRecipient + r]);
                }
                recipients = static_cast<std::int64_t>(distinct.size());
            }

            double score = 55;
            if (maxInWindow >= 2 * threshold)
                score += 10;
            if (maxInWindow >= 5 * threshold)
                score += 10;
            if (!newIps.empty() && historyBefore)
                score += 10;
            if (recipients >= static_cast<std::int64_t>(threshold))
                score += 10;
            f.score = detect::clampScore(score);
            f.severity = detect::severityForScore(f.score);
            f.fingerprint = detect::fingerprint(f.detector, "default", userName, {f.evidence.front()});
            if (tuning.isServiceAccount(userName))
                f.suppressedBy = "service_accounts: " + userName;

            f.summary = userName + " sent " + detect::formatCount(static_cast<double>(count)) + " messages between "
                + formatIso(f.firstTimeMs) + " and " + formatIso(f.lastTimeMs) + " (up to "
                + detect::formatCount(static_cast<double>(maxInWindow)) + " within "
                + std::to_string(tuning.bulkSendWindowMinutes) + " min)";
            if (!f.ips.empty())
                f.summary += " from " + f.ips.front() + (f.ips.size() > 1 ? " and " + std::to_string(f.ips.size() - 1) + " more" : "");
            if (recipients >= 0)
                f.summary += " to " + detect::formatCount(static_cast<double>(recipients)) + " recipients";

            JsonWriter w;
            w.beginObject();
            w.field("sends", static_cast<std::int64_t>(count));
            w.field("max_in_window", static_cast<std::int64_t>(maxInWindow));
            w.field("window_minutes", tuning.bulkSendWindowMinutes);
            w.field("threshold", static_cast<std::int64_t>(threshold));
            w.field("source", fromTrace ? "message-trace" : "audit");
            w.key("per_ip");
            w.beginArray();
            for (const std::string &ip : f.ips) {
                w.beginObject();
                w.field("ip", ip);
                w.field("sends", perIp[ip]);
                w.endObject();
            }
            w.endArray();
            w.key("new_ips");
            w.beginArray();
            for (const std::string &ip : newIps)
                w.value(ip);
            w.endArray();
            w.key("unique_recipients");
            if (recipients >= 0)
                w.value(recipients);
            else
                w.null();
            w.endObject();
            f.details = w.take();
            out.push_back(std::move(f));
            runBegin = SIZE_MAX;
            maxInWindow = 0;
        };

        std::size_t j = 0;
        for (std::size_t i = 0; i < sends.size(); ++i) {
            if (j < i)
                j = i;
            while (j < sends.size() && sends[j].timeMs - sends[i].timeMs < windowMs)
                ++j;
            const std::size_t inWindow = j - i;
            if (inWindow < threshold)
                continue;
            // runEnd is one past the run's last send: a window starting there starts a new burst.
            if (runBegin != SIZE_MAX && i >= runEnd)
                flush();
            if (runBegin == SIZE_MAX)
                runBegin = i;
            runEnd = std::max(runEnd, j);
            maxInWindow = std::max(maxInWindow, inWindow);
        }
        flush();
    }
}

} // namespace mp
