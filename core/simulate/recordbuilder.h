#pragma once

#include "simulate/simrandom.h"
#include "simulate/simrecords.h"
#include "simulate/tenant.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mp::sim {

// The client a record came from: decides the app ids, client strings and user agent, which is
// what an investigator reads to tell Outlook from a script.
enum class ClientApp {
    OutlookDesktop,     // Outlook for Windows (modern auth)
    OutlookWeb,         // OWA in a browser
    OutlookMobile,      // Outlook for iOS
    OfficeHome,         // the office.com portal: where AiTM phishing lands the victim
    ExchangePowerShell, // Exchange Online PowerShell (REST based)
    LegacyEws,          // Exchange Web Services with basic auth
    LegacyRpc,          // Outlook Anywhere with basic auth
    ServiceApp,         // the company's order notification service
    GraphExplorer,      // Graph Explorer: a first-party client an attacker can drive with a stolen token
};

// What a client keeps between requests after a successful sign-in: the Exchange session and
// the token it was given. Records made in one session carry the same ids, which is how a
// replayed session shows up from a second address.
struct ClientSession
{
    const User *user = nullptr;
    Place place;
    std::string clientIp; // as Exchange logs it: "v4:port" or "[v6]:port"
    std::string address;  // the same without port or brackets
    ClientApp app = ClientApp::OutlookWeb;
    std::string exchangeSessionId;
    std::string aadSessionId;
    std::string tokenId;
};

// Appends realistic records to a SimData: each call fills every field the way the service that
// logs it does, so that scenarios only say what happened.
class RecordBuilder
{
public:
    RecordBuilder(const Tenant &tenant, SimData &out, SimRandom &rng);

    SimRandom &rng() { return m_rng; }
    SimData &out() { return m_out; }
    const Tenant &tenant() const { return m_tenant; }

    // A successful sign-in (change the returned record for risk, failures and so on).
    SignIn &signIn(const User &user, const Place &place, std::int64_t timeMs, ClientApp app, bool interactive);
    // A failed sign-in with an Entra error code (50126, 50053, 50055, 50074 ...).
    SignIn &failedSignIn(const User &user, const Place &place, std::int64_t timeMs, ClientApp app, int errorCode);

    // The session a successful sign-in starts.
    ClientSession session(const User &user, const SignIn &signIn, ClientApp app);
    // The same session from another place or client: a token refresh after the network changed,
    // or a stolen cookie replayed from another address.
    ClientSession continueSession(const ClientSession &session, const Place &place, ClientApp app);

    // The unified audit log's copy of a sign-in (UserLoggedIn / UserLoginFailed).
    AuditRecord &auditSignIn(const User &user, const SignIn &signIn);

    // A sent message: the Send record and one message trace row per recipient.
    AuditRecord &send(const ClientSession &session, std::int64_t timeMs, const std::string &subject,
                      const std::vector<std::string> &recipients);
    AuditRecord &mailItemsAccessed(const ClientSession &session, std::int64_t timeMs, int items,
                                   const std::string &accessType, const std::string &folder);
    AuditRecord &cmdlet(const ClientSession &session, const std::string &operation, std::int64_t timeMs,
                        NameValues parameters, const std::string &objectId);
    AuditRecord &updateInboxRules(const ClientSession &session, std::int64_t timeMs, NameValues properties);
    // A message received from outside (message trace only: receiving is not audited).
    MessageRow &inbound(const std::string &sender, const std::string &recipient, std::int64_t timeMs,
                        const std::string &subject);

    static std::string errorText(int errorCode);

private:
    AuditRecord &exchangeRecord(const ClientSession &session, AuditRecord::Kind kind, const std::string &operation,
                                std::int64_t timeMs);
    std::string clientIpText(const User &user, const Place &place);
    std::string messageId(const std::string &senderUpn);

    const Tenant &m_tenant;
    SimData &m_out;
    SimRandom &m_rng;
};

} // namespace mp::sim
