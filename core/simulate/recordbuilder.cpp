#include "simulate/recordbuilder.h"

#include "simulate/places.h"

namespace mp::sim {

namespace {

struct AppInfo
{
    const char *appId;
    const char *displayName;
    const char *clientAppUsed;
    const char *operatingSystem;
    const char *browser;
    const char *userAgent;
    const char *clientInfo; // Exchange ClientInfoString
};

const AppInfo &appInfo(ClientApp app)
{
    static const AppInfo kOutlook = {"d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office",
                                     "Mobile Apps and Desktop clients", "Windows10", "",
                                     "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
                                     "Client=MSExchangeRPC"};
    static const AppInfo kOwa = {"9199bf20-a13f-4107-85dc-02114787ef48", "One Outlook Web", "Browser", "Windows10",
                                 "Edge 129.0.0",
                                 "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                                 "Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
                                 "Client=OWA;Action=ViaProxy"};
    static const AppInfo kMobile = {"27922004-5251-4030-b22d-91ecd9a37ea4", "Outlook Mobile",
                                    "Mobile Apps and Desktop clients", "Ios", "", "Outlook-iOS/2.0",
                                    "Client=REST;Client=RESTSystem;;"};
    static const AppInfo kOfficeHome = {"4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", "Browser", "Windows10",
                                        "Chrome 129.0.0",
                                        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                                        "Gecko) Chrome/129.0.0.0 Safari/537.36",
                                        "Client=OWA;Action=ViaProxy"};
    static const AppInfo kPowerShell = {"fb78d390-0c51-40cd-8e17-fdbfab77341b",
                                        "Microsoft Exchange REST API Based Powershell",
                                        "Mobile Apps and Desktop clients", "Windows10", "",
                                        "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4894",
                                        "Client=Microsoft.Exchange.Management.AdminApiProvider"};
    static const AppInfo kEws = {"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online",
                                 "Exchange Web Services", "", "", "python-requests/2.31.0",
                                 "Client=WebServices;python-requests/2.31.0;"};
    static const AppInfo kRpc = {"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online",
                                 "Outlook Anywhere (RPC over HTTP)", "", "",
                                 "Microsoft Office/14.0 (Windows NT 6.1; Microsoft Outlook 14.0.7268; Pro)",
                                 "Client=MSExchangeRPC"};
    static const AppInfo kService = {"6f3c1a7e-2b9d-4c8e-9a15-0d2e7b4c9f31", "Contoso Order Notifications",
                                     "Mobile Apps and Desktop clients", "", "", "ContosoNotifier/3.4 (.NET 8.0)",
                                     "Client=REST;Client=RESTSystem;;"};
    static const AppInfo kGraphExplorer = {"de8bc8b5-d9f9-48b1-a8ad-b748da725064", "Graph Explorer", "Browser",
                                           "Windows10", "Chrome 129.0.0",
                                           "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
                                           "like Gecko) Chrome/129.0.0.0 Safari/537.36",
                                           "Client=REST;Client=RESTSystem;;"};
    switch (app) {
    case ClientApp::GraphExplorer:
        return kGraphExplorer;
    case ClientApp::OutlookDesktop:
        return kOutlook;
    case ClientApp::OutlookWeb:
        return kOwa;
    case ClientApp::OutlookMobile:
        return kMobile;
    case ClientApp::OfficeHome:
        return kOfficeHome;
    case ClientApp::ExchangePowerShell:
        return kPowerShell;
    case ClientApp::LegacyEws:
        return kEws;
    case ClientApp::LegacyRpc:
        return kRpc;
    case ClientApp::ServiceApp:
        return kService;
    }
    return kOwa;
}

bool isInternal(const std::string &address)
{
    const std::string suffix = "@" + std::string(Tenant::kDomain);
    return address.size() > suffix.size() && address.compare(address.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

RecordBuilder::RecordBuilder(const Tenant &tenant, SimData &out, SimRandom &rng)
    : m_tenant(tenant)
    , m_out(out)
    , m_rng(rng)
{
}

std::string RecordBuilder::errorText(int errorCode)
{
    switch (errorCode) {
    case 0:
        return {};
    case 50126:
        return "Error validating credentials due to invalid username or password.";
    case 50053:
        return "Account is locked because user tried to sign in too many times with an incorrect user ID or password.";
    case 50055:
        return "Invalid password, entered expired password.";
    case 50057:
        return "User account is disabled. The account has been disabled by an administrator.";
    case 50074:
        return "Strong Authentication is required.";
    case 50140:
        return "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.";
    default:
        return "Other.";
    }
}

SignIn &RecordBuilder::signIn(const User &user, const Place &place, std::int64_t timeMs, ClientApp app, bool interactive)
{
    const AppInfo &info = appInfo(app);
    SignIn s;
    s.timeMs = timeMs;
    s.id = m_rng.guid();
    s.user = user.upn;
    s.displayName = user.displayName;
    s.userObjectId = user.objectId;
    s.appId = info.appId;
    s.appDisplayName = info.displayName;
    s.clientAppUsed = info.clientAppUsed;
    s.correlationId = m_rng.guid();
    s.sessionId = m_rng.guid();
    s.uniqueTokenIdentifier = m_rng.hex(22);
    s.interactive = interactive;
    s.operatingSystem = info.operatingSystem;
    s.browser = info.browser;
    s.userAgent = info.userAgent;
    s.place = place;
    if (interactive && app != ClientApp::LegacyEws && app != ClientApp::LegacyRpc && app != ClientApp::ServiceApp)
        s.authenticationRequirement = "multiFactorAuthentication";
    m_out.signIns.push_back(std::move(s));
    return m_out.signIns.back();
}

SignIn &RecordBuilder::failedSignIn(const User &user, const Place &place, std::int64_t timeMs, ClientApp app, int errorCode)
{
    SignIn &s = signIn(user, place, timeMs, app, true);
    s.errorCode = errorCode;
    s.failureReason = errorText(errorCode);
    s.sessionId.clear(); // a failed sign-in starts no session
    return s;
}

std::string RecordBuilder::clientIpText(const User &user, const Place &place)
{
    const int port = static_cast<int>(m_rng.between(49152, 65535));
    // Dual-stack office: some clients reach Exchange over IPv6, logged as [v6]:port.
    if (user.ipv6AtOffice && place.ip == places::office().ip)
        return "[" + places::officeIpv6() + "]:" + std::to_string(port);
    return place.ip + ":" + std::to_string(port);
}

namespace {

std::string addressOf(const std::string &clientIp)
{
    if (!clientIp.empty() && clientIp.front() == '[')
        return clientIp.substr(1, clientIp.find(']') - 1);
    return clientIp.substr(0, clientIp.find(':'));
}

} // namespace

ClientSession RecordBuilder::session(const User &user, const SignIn &signIn, ClientApp app)
{
    ClientSession s;
    s.user = &user;
    s.place = signIn.place;
    s.clientIp = clientIpText(user, signIn.place);
    s.address = addressOf(s.clientIp);
    s.app = app;
    s.exchangeSessionId = m_rng.guid();
    s.aadSessionId = signIn.sessionId;
    s.tokenId = signIn.uniqueTokenIdentifier;
    return s;
}

ClientSession RecordBuilder::continueSession(const ClientSession &session, const Place &place, ClientApp app)
{
    ClientSession s = session;
    s.place = place;
    s.clientIp = clientIpText(*session.user, place);
    s.address = addressOf(s.clientIp);
    s.app = app;
    return s;
}

AuditRecord &RecordBuilder::auditSignIn(const User &user, const SignIn &signIn)
{
    AuditRecord r;
    const bool ok = signIn.errorCode == 0;
    r.kind = ok ? AuditRecord::Kind::UserLoggedIn : AuditRecord::Kind::UserLoginFailed;
    r.timeMs = signIn.timeMs + m_rng.between(0, 2) * 1000;
    r.id = m_rng.guid();
    r.operation = ok ? "UserLoggedIn" : "UserLoginFailed";
    r.user = user.upn;
    r.userKey = user.objectId;
    r.clientIp = signIn.place.ip;
    r.resultStatus = ok ? "Success" : "Failed";
    r.objectId = signIn.resourceId;
    r.appId = signIn.appId;
    r.userAgent = signIn.userAgent;
    r.aadSessionId = signIn.sessionId;
    r.uniqueTokenId = signIn.uniqueTokenIdentifier;
    r.sessionId = signIn.correlationId;
    r.errorNumber = signIn.errorCode;
    if (!ok) {
        r.logonError = signIn.errorCode == 50126 ? "InvalidUserNameOrPassword"
                       : signIn.errorCode == 50053 ? "IdsLocked"
                       : signIn.errorCode == 50055 ? "InvalidPasswordExpiredPassword"
                                                   : "UserStrongAuthClientAuthNRequired";
        r.requestType = signIn.clientAppUsed == "Browser" ? "Login:login" : "OrgIdWsTrust2:process";
    } else {
        r.requestType = signIn.clientAppUsed == "Browser" ? "Login:login" : "OAuth2:Token";
    }
    m_out.audits.push_back(std::move(r));
    return m_out.audits.back();
}

AuditRecord &RecordBuilder::exchangeRecord(const ClientSession &session, AuditRecord::Kind kind,
                                           const std::string &operation, std::int64_t timeMs)
{
    const AppInfo &info = appInfo(session.app);
    AuditRecord r;
    r.kind = kind;
    r.timeMs = timeMs;
    r.id = m_rng.guid();
    r.operation = operation;
    r.user = session.user->upn;
    r.userKey = session.user->puid;
    r.clientIp = session.clientIp;
    r.resultStatus = kind == AuditRecord::Kind::AdminCmdlet ? "True" : "Succeeded";
    r.appId = info.appId;
    r.clientInfo = info.clientInfo;
    r.sessionId = session.exchangeSessionId;
    r.aadSessionId = session.aadSessionId;
    r.uniqueTokenId = session.tokenId;
    r.mailboxOwner = session.user->upn;
    r.mailboxGuid = session.user->mailboxGuid;
    r.originatingServer = Tenant::mailboxServer(session.user->upn) + " (15.20.8093.016)";
    m_out.audits.push_back(std::move(r));
    return m_out.audits.back();
}

std::string RecordBuilder::messageId(const std::string &senderUpn)
{
    return "<" + Tenant::mailboxServer(senderUpn) + m_rng.hex(24) + "@" + Tenant::mailboxServer(senderUpn)
           + ".namprd12.prod.outlook.com>";
}

AuditRecord &RecordBuilder::send(const ClientSession &session, std::int64_t timeMs, const std::string &subject,
                                 const std::vector<std::string> &recipients)
{
    const std::int64_t size = m_rng.between(6000, 140000);
    const std::string id = messageId(session.user->upn);
    const std::string traceFromIp(session.place.ip);
    for (const std::string &to : recipients) {
        MessageRow m;
        m.timeMs = timeMs + m_rng.between(1, 4) * 1000;
        m.sender = session.user->upn;
        m.recipient = to;
        m.subject = subject;
        m.status = "Delivered";
        m.fromIp = traceFromIp;
        // Outbound mail leaves through Exchange Online Protection to the recipient's server.
        if (!isInternal(to))
            m.toIp = "198.51.100." + std::to_string(m_rng.between(10, 250));
        m.size = size + 2048;
        m.messageId = id;
        m.traceId = m_rng.guid();
        m_out.messages.push_back(std::move(m));
    }
    AuditRecord &r = exchangeRecord(session, AuditRecord::Kind::MailboxItem, "Send", timeMs);
    r.subject = subject;
    r.internetMessageId = id;
    r.sizeBytes = size;
    r.folderPath = "\\Sent Items";
    r.objectId.clear();
    return r;
}

AuditRecord &RecordBuilder::mailItemsAccessed(const ClientSession &session, std::int64_t timeMs, int items,
                                              const std::string &accessType, const std::string &folder)
{
    std::vector<std::pair<std::string, std::int64_t>> accessed;
    for (int i = 0; i < items; ++i)
        accessed.emplace_back("<" + m_rng.hex(20) + "@" + m_rng.hex(8) + ".prod.outlook.com>", m_rng.between(4000, 90000));
    AuditRecord &r = exchangeRecord(session, AuditRecord::Kind::MailItemsAccessed, "MailItemsAccessed", timeMs);
    r.mailAccessType = accessType;
    r.folderPath = folder;
    r.accessedItems = std::move(accessed);
    return r;
}

AuditRecord &RecordBuilder::cmdlet(const ClientSession &session, const std::string &operation, std::int64_t timeMs,
                                   NameValues parameters, const std::string &objectId)
{
    AuditRecord &r = exchangeRecord(session, AuditRecord::Kind::AdminCmdlet, operation, timeMs);
    r.parameters = std::move(parameters);
    r.objectId = objectId;
    return r;
}

AuditRecord &RecordBuilder::updateInboxRules(const ClientSession &session, std::int64_t timeMs, NameValues properties)
{
    AuditRecord &r = exchangeRecord(session, AuditRecord::Kind::MailboxItem, "UpdateInboxRules", timeMs);
    r.operationProperties = std::move(properties);
    r.objectId = session.user->upn;
    return r;
}

MessageRow &RecordBuilder::inbound(const std::string &sender, const std::string &recipient, std::int64_t timeMs,
                                   const std::string &subject)
{
    MessageRow m;
    m.timeMs = timeMs;
    m.sender = sender;
    m.recipient = recipient;
    m.subject = subject;
    m.status = "Delivered";
    m.fromIp = "203.0.113." + std::to_string(m_rng.between(10, 250));
    m.size = m_rng.between(9000, 180000);
    m.messageId = "<" + m_rng.hex(16) + "." + m_rng.hex(8) + "@" + sender.substr(sender.find('@') + 1) + ">";
    m.traceId = m_rng.guid();
    m_out.messages.push_back(std::move(m));
    return m_out.messages.back();
}

} // namespace mp::sim
