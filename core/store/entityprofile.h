#pragma once

#include "store/database.h"
#include "store/event.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mp {

// Sign-ins of a user from one place (country, city, network), with their outcome.
struct PlaceSignIns
{
    std::string country;
    std::string city;
    std::uint32_t asn = 0;
    std::string asOrg;
    std::int64_t successes = 0;
    std::int64_t failures = 0;
    std::int64_t unknown = 0; // no result code or status that says
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
    std::vector<std::string> ips; // the first few addresses seen, in order of appearance
};

// A change to a mailbox's rules or forwarding (or a row of a rule snapshot), with its parameters.
struct RuleChange
{
    std::int64_t eventId = 0;
    EventKind kind = EventKind::Audit;
    std::int64_t timeMs = kNoTime;
    std::string operation;
    std::string ruleName;
    std::string forwardTargets; // ';' separated
    std::string parameters;     // JSON array of {"Name","Value"}
    std::string ip;
};

// What a case says about one user or one IP address, read in one indexed pass over its events
// (events_user_time / events_ip_time), for the entity details and the per-user page.
struct EntityProfile
{
    std::string key; // the user (lower case) or the address
    std::int64_t events = 0;
    std::int64_t signIns = 0;
    std::int64_t signInSuccesses = 0;
    std::int64_t signInFailures = 0;
    std::int64_t sends = 0; // Send/SendAs/SendOnBehalf, else message trace rows sent
    std::int64_t firstMs = kNoTime;
    std::int64_t lastMs = kNoTime;
    // Most frequent first (ties by name), every value.
    std::vector<std::pair<std::string, std::int64_t>> countries;
    std::vector<std::pair<std::string, std::int64_t>> networks; // "AS64500 Example Net"
    // For a user: the addresses it used; for an address: the users it served. At most kMaxPeers.
    std::vector<std::pair<std::string, std::int64_t>> peers;
    std::int64_t peerCount = 0; // all distinct peers, also those beyond the list
    std::vector<PlaceSignIns> places;  // sign-ins by place, most sign-ins first
    std::vector<RuleChange> rules;     // in time order (snapshots, without a time, first)
    std::int64_t rulesOmitted = 0;     // beyond kMaxRules
    std::vector<std::pair<std::int64_t, std::int64_t>> sendsPerHour; // (hour start ms, sends), in order
    bool cancelled = false;

    static constexpr std::size_t kMaxPeers = 20;
    static constexpr std::size_t kMaxRules = 200;
};

EntityProfile userProfile(Database &db, const std::string &user, const std::atomic_bool *cancel = nullptr);
EntityProfile ipProfile(Database &db, const std::string &ip, const std::atomic_bool *cancel = nullptr);

} // namespace mp
