// Writes a synthetic Purview audit search export (CSV) for the ingest benchmark
// (scripts/bench-ingest.sh): the columns and quoting Purview uses, AuditData as a CSV-quoted JSON
// object with the fields real records carry, and a mix of operations like a real tenant's export.
//
//   purview_gen_bench --records N --out FILE [--seed S]
//
// The same N and seed always give the same bytes. About 800 bytes per record; ~5,000 users and
// ~20,000 client addresses (IPv4, IPv4:port, [IPv6]:port, bare IPv6), newest record first.
//
// Mix (by record): MailItemsAccessed 38%, UserLoggedIn 30%, Send 16%, UserLoginFailed 11%,
// New-InboxRule 2%, Set-InboxRule 1%, UpdateInboxRules 2%. About a third of the rule changes
// forward mail out of the tenant.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace {

// xoshiro256**, seeded with splitmix64: fast and the same on every platform and library
// (std::uniform_int_distribution is not).
class Rng
{
public:
    explicit Rng(std::uint64_t seed)
    {
        for (auto &s : m_s) {
            seed += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            s = z ^ (z >> 31);
        }
    }
    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }
    // Uniform in [0, n).
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }
    template<typename T, std::size_t N>
    const T &pick(const T (&a)[N]) { return a[below(N)]; }
    template<typename T>
    const T &pick(const std::vector<T> &v) { return v[below(static_cast<std::uint32_t>(v.size()))]; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_s[4];
};

constexpr char kHex[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

void appendHex(std::string &out, std::uint64_t v, int digits, const char *alphabet = kHex)
{
    for (int i = digits - 1; i >= 0; --i)
        out.push_back(alphabet[(v >> (4 * i)) & 15]);
}

std::string guid(Rng &rng)
{
    const std::uint64_t a = rng.next(), b = rng.next();
    std::string g;
    g.reserve(36);
    appendHex(g, a >> 32, 8);
    g.push_back('-');
    appendHex(g, (a >> 16) & 0xffff, 4);
    g.push_back('-');
    appendHex(g, 0x4000 | (a & 0x0fff), 4);
    g.push_back('-');
    appendHex(g, 0x8000 | ((b >> 48) & 0x3fff), 4);
    g.push_back('-');
    appendHex(g, b & 0xffffffffffffULL, 12);
    return g;
}

// Exchange item and folder ids are long base64 strings; these have the shape, not the meaning.
std::string exchangeId(Rng &rng, const char *prefix, int length)
{
    static constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string s = prefix;
    while (static_cast<int>(s.size()) < length) {
        std::uint64_t v = rng.next();
        for (int i = 0; i < 10 && static_cast<int>(s.size()) < length; ++i, v >>= 6)
            s.push_back(b64[v & 63]);
    }
    return s;
}

const char *const kFirst[] = {
    "james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth",
    "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "charles", "karen",
    "christopher", "lisa", "daniel", "nancy", "matthew", "betty", "anthony", "sandra", "mark", "margaret",
    "donald", "ashley", "steven", "kimberly", "andrew", "emily", "paul", "donna", "joshua", "michelle",
    "kenneth", "carol", "kevin", "amanda", "brian", "melissa", "george", "deborah", "timothy", "stephanie",
    "ronald", "rebecca", "jason", "sharon", "edward", "laura", "jeffrey", "cynthia", "ryan", "dorothy",
    "jacob", "amy", "gary", "kathleen", "nicholas", "angela", "eric", "shirley", "jonathan", "emma",
    "stephen", "brenda", "larry", "pamela", "justin", "nicole", "scott", "anna", "brandon", "samantha",
    "benjamin", "katherine", "samuel", "christine", "gregory", "debra", "alexander", "rachel", "patrick", "carolyn",
    "frank", "janet", "raymond", "maria", "jack", "olivia", "dennis", "heather", "jerry", "helen"};
const char *const kLast[] = {
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
    "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin",
    "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson",
    "walker", "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores",
    "green", "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell", "carter", "roberts",
    "gomez", "phillips", "evans", "turner", "diaz", "parker", "cruz", "edwards", "collins", "reyes",
    "stewart", "morris", "morales", "murphy", "cook", "rogers", "gutierrez", "ortiz", "morgan", "cooper",
    "peterson", "bailey", "reed", "kelly", "howard", "ramos", "kim", "cox", "ward", "richardson",
    "watson", "brooks", "chavez", "wood", "james", "bennett", "gray", "mendoza", "ruiz", "hughes",
    "price", "alvarez", "castillo", "sanders", "patel", "myers", "long", "ross", "foster", "jimenez"};

const char *const kSubjects[] = {
    "RE: Q3 forecast", "Invoice 4471 overdue", "FW: Contract draft v3", "Lunch on Friday?",
    "Meeting notes - project Atlas", "RE: RE: Shipping delay", "Updated bank details",
    "Your password expires soon", "Board pack for review", "RE: \\\"Urgent\\\" wire transfer",
    "Holiday schedule", "Timesheet reminder", "FW: Purchase order PO-20931", "Welcome aboard!",
    "RE: Customer escalation #5521", "Slides for Monday", "Payroll change request", "Re: Quote",
    "Out of office", "Documents shared with you"};

const char *const kFolders[] = {"\\\\Inbox", "\\\\Inbox", "\\\\Inbox", "\\\\Sent Items", "\\\\Archive",
                                "\\\\Inbox\\\\Invoices", "\\\\Deleted Items", "\\\\Drafts"};

const char *const kUserAgents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36 Edg/116.0.1938.81",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/117.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.16731; Pro)",
    "python-requests/2.31.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/117.0",
    "BAV2ROPC"};

const char *const kRequestTypes[] = {"OAuth2:Authorize", "OAuth2:Token", "Login:login", "Kmsi:kmsi",
                                     "SAS:ProcessAuth", "Login:reprocess"};
const char *const kClientInfo[] = {"Client=OWA;Action=ViaProxy", "Client=REST;Client=RESTSystem;;",
                                   "Client=MSExchangeRPC", "Client=OutlookService;Outlook-iOS/2.0;",
                                   "Client=WebServices;"};
const char *const kAppIds[] = {"00000002-0000-0ff1-ce00-000000000000", "d3590ed6-52b3-4102-aeff-aad2292ab01c",
                               "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "00000003-0000-0000-c000-000000000000",
                               "27922004-5251-4030-b22d-91ecd9a37ea4"};
const char *const kServers[] = {"AM6PR04MB5639 (15.20.6792.026)", "DB9PR07MB7052 (15.20.6768.029)",
                                "CH2PR11MB4312 (15.20.6792.020)", "SN6PR04MB4894 (15.20.6792.026)"};
const char *const kExternal[] = {"billing-dept@protonmail.com", "invoices.archive@gmail.com",
                                 "j.smith.finance@outlook.com", "collect@secure-docs.net"};
const char *const kRuleNames[] = {".", "..", "RSS", "Archive", "Invoices", "Clean up", "news", "zz"};
const char *const kKeywords[] = {"invoice;payment", "wire;transfer;bank", "password;security", "docusign",
                                 "hacked;phishing;suspicious", "payroll"};
const char *const kMoveTo[] = {"RSS Feeds", "Archive", "Conversation History", "Deleted Items", "Junk Email"};

struct User
{
    std::string upn;
    std::string puid;    // Exchange UserKey
    std::string objectId; // Entra UserKey
    std::uint32_t home[3]; // usual client addresses, indexes into the pool
};

struct Address
{
    std::string text; // bare form
    bool v6 = false;
};

bool reservedV4(std::uint32_t v)
{
    const std::uint32_t a = v >> 24, b = (v >> 16) & 255;
    return a == 0 || a == 10 || a == 127 || a >= 224 || (a == 100 && b >= 64 && b < 128)
        || (a == 169 && b == 254) || (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168)
        || (a == 192 && b == 0) || (a == 198 && (b == 18 || b == 19 || b == 51)) || (a == 203 && b == 0);
}

std::vector<Address> makeAddresses(Rng &rng, std::size_t count)
{
    static const char *const v6Prefixes[] = {"2a01:111", "2603:10a6", "2001:4860", "2a02:c7f",
                                             "2600:1700", "2406:da18", "2a00:23c5", "2001:67c"};
    std::vector<Address> out;
    out.reserve(count);
    while (out.size() < count) {
        Address a;
        const double kind = rng.unit();
        if (kind < 0.78) { // public IPv4
            std::uint32_t v;
            do
                v = static_cast<std::uint32_t>(rng.next() >> 32);
            while (reservedV4(v));
            a.text = std::to_string(v >> 24) + '.' + std::to_string((v >> 16) & 255) + '.'
                + std::to_string((v >> 8) & 255) + '.' + std::to_string(v & 255);
        } else if (kind < 0.83) { // on-premises, behind a hybrid connector
            const std::uint32_t v = static_cast<std::uint32_t>(rng.next());
            a.text = "10." + std::to_string((v >> 16) & 255) + '.' + std::to_string((v >> 8) & 255) + '.'
                + std::to_string(v & 255);
        } else { // IPv6
            a.v6 = true;
            a.text = rng.pick(v6Prefixes);
            const std::uint64_t r = rng.next(), s = rng.next();
            char buf[64];
            if (rng.chance(0.3)) // compressed form with a zero run
                std::snprintf(buf, sizeof buf, ":%x::%x:%x", unsigned(r & 0xffff), unsigned((s >> 16) & 0xffff),
                              unsigned(s & 0xffff));
            else
                std::snprintf(buf, sizeof buf, ":%x:%x:%x:%x:%x:%x", unsigned(r & 0xffff), unsigned((r >> 16) & 0xffff),
                              unsigned((s >> 48) & 0xffff), unsigned((s >> 32) & 0xffff),
                              unsigned((s >> 16) & 0xffff), unsigned(s & 0xffff));
            a.text += buf;
        }
        out.push_back(std::move(a));
    }
    return out;
}

// Small JSON builder for our own values (no control characters; quotes and backslashes are
// escaped by the caller where a value holds them).
struct Json
{
    std::string s;
    bool first = true;
    void open() { s.push_back('{'); first = true; }
    void close() { s.push_back('}'); first = false; }
    void openArray() { s.push_back('['); first = true; }
    void closeArray() { s.push_back(']'); first = false; }
    void comma()
    {
        if (!first)
            s.push_back(',');
        first = false;
    }
    void key(std::string_view k)
    {
        comma();
        s.push_back('"');
        s.append(k);
        s.append("\":");
        first = true;
    }
    void str(std::string_view k, std::string_view v)
    {
        key(k);
        s.push_back('"');
        s.append(v);
        s.push_back('"');
        first = false;
    }
    void num(std::string_view k, std::int64_t v)
    {
        key(k);
        s.append(std::to_string(v));
        first = false;
    }
    void boolean(std::string_view k, bool v)
    {
        key(k);
        s.append(v ? "true" : "false");
        first = false;
    }
    void nameValue(std::string_view name, std::string_view value)
    {
        comma();
        s.append("{\"Name\":\"");
        s.append(name);
        s.append("\",\"Value\":\"");
        s.append(value);
        s.append("\"}");
        first = false;
    }
};

std::string isoTime(std::int64_t t)
{
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

// Purview's CreationDate column: US locale, 12-hour clock ("9/20/2023 4:05:03 AM").
std::string usTime(std::int64_t t)
{
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    const int h12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%d/%d/%04d %d:%02d:%02d %s", tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_year + 1900, h12, tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
    return buf;
}

class Generator
{
public:
    Generator(std::uint64_t seed)
        : m_rng(seed)
    {
        m_org = guid(m_rng);
        m_addresses = makeAddresses(m_rng, 20000);
        // ~5,000 distinct mailboxes: first.last, with a digit where two people share a name.
        std::vector<std::uint8_t> taken(100 * 100, 0);
        while (m_users.size() < 5000) {
            const std::uint32_t f = m_rng.below(100), l = m_rng.below(100);
            User u;
            u.upn = std::string(kFirst[f]) + '.' + kLast[l];
            if (taken[f * 100 + l]++)
                u.upn += std::to_string(taken[f * 100 + l]);
            u.upn += "@contoso.com";
            u.puid = "1003";
            appendHex(u.puid, m_rng.next(), 12, kHexUpper);
            u.objectId = guid(m_rng);
            for (auto &h : u.home)
                h = m_rng.below(static_cast<std::uint32_t>(m_addresses.size()));
            m_users.push_back(std::move(u));
        }
    }

    // One CSV record (without the line break) at time t.
    void record(std::string &out, std::int64_t t)
    {
        // Activity is skewed: a few mailboxes (shared, service, VIPs) write most of the log.
        const double u = m_rng.unit();
        const User &user = m_users[static_cast<std::size_t>(u * u * u * double(m_users.size()))];
        const Address &addr = m_rng.chance(0.85) ? m_addresses[user.home[m_rng.below(3)]]
                                                 : m_rng.pick(m_addresses);
        const std::string id = guid(m_rng);
        const double op = m_rng.unit();
        const char *operation, *recordTypeName;
        m_json.s.clear();
        if (op < 0.38) {
            operation = "MailItemsAccessed";
            recordTypeName = "ExchangeItemAggregated";
            mailItemsAccessed(user, addr, id, t);
        } else if (op < 0.68) {
            operation = "UserLoggedIn";
            recordTypeName = "AzureActiveDirectoryStsLogon";
            login(user, addr, id, t, false);
        } else if (op < 0.84) {
            operation = "Send";
            recordTypeName = "ExchangeItem";
            send(user, addr, id, t);
        } else if (op < 0.95) {
            operation = "UserLoginFailed";
            recordTypeName = "AzureActiveDirectoryStsLogon";
            login(user, addr, id, t, true);
        } else if (op < 0.97) {
            operation = "New-InboxRule";
            recordTypeName = "ExchangeAdmin";
            inboxRule(user, addr, id, t, false);
        } else if (op < 0.98) {
            operation = "Set-InboxRule";
            recordTypeName = "ExchangeAdmin";
            inboxRule(user, addr, id, t, true);
        } else {
            operation = "UpdateInboxRules";
            recordTypeName = "ExchangeItem";
            updateInboxRules(user, addr, id, t);
        }
        out.append(id);
        out.push_back(',');
        out.append(usTime(t));
        out.push_back(',');
        out.append(recordTypeName);
        out.push_back(',');
        out.append(operation);
        out.push_back(',');
        out.append(user.upn);
        out.append(",\"");
        // CSV quoting: every quote in the JSON is doubled.
        const std::string &j = m_json.s;
        std::size_t from = 0;
        for (std::size_t q; (q = j.find('"', from)) != std::string::npos; from = q + 1) {
            out.append(j, from, q + 1 - from);
            out.push_back('"');
        }
        out.append(j, from, std::string::npos);
        out.append("\",,");
    }

private:
    std::string clientIp(const Address &a, bool exchange)
    {
        if (!exchange) // Entra writes the bare address
            return a.text;
        const unsigned port = 1024 + m_rng.below(64000);
        if (a.v6)
            return '[' + a.text + "]:" + std::to_string(port);
        return m_rng.chance(0.6) ? a.text + ':' + std::to_string(port) : a.text;
    }

    void common(const User &user, const std::string &id, std::int64_t t, const char *operation, int recordType,
                const char *resultStatus, bool exchange, const std::string &ip)
    {
        Json &j = m_json;
        j.open();
        j.str("CreationTime", isoTime(t));
        j.str("Id", id);
        j.str("Operation", operation);
        j.str("OrganizationId", m_org);
        j.num("RecordType", recordType);
        j.str("ResultStatus", resultStatus);
        j.str("UserKey", exchange ? user.puid : user.objectId);
        j.num("UserType", 0);
        j.num("Version", 1);
        j.str("Workload", exchange ? "Exchange" : "AzureActiveDirectory");
        j.str("ClientIP", ip);
        j.str("UserId", user.upn);
    }

    void clientInfo()
    {
        m_json.str("ClientInfoString", m_rng.pick(kClientInfo));
    }

    std::string messageId()
    {
        std::string m = "<";
        appendHex(m, m_rng.next(), 16, kHexUpper);
        m += '@';
        m += m_rng.pick(kServers);
        m.resize(m.find(' '));
        m += ".namprd04.prod.outlook.com>";
        return m;
    }

    void send(const User &user, const Address &addr, const std::string &id, std::int64_t t)
    {
        Json &j = m_json;
        const std::string ip = clientIp(addr, true);
        common(user, id, t, "Send", 2, "Succeeded", true, ip);
        j.str("AppId", m_rng.pick(kAppIds));
        clientInfo();
        j.str("SessionId", guid(m_rng));
        j.key("AppAccessContext");
        j.open();
        j.str("AADSessionId", guid(m_rng));
        j.close();
        j.key("Item");
        j.open();
        j.str("Id", exchangeId(m_rng, "RgAAAAD", 32));
        j.str("InternetMessageId", messageId());
        j.key("ParentFolder");
        j.open();
        j.str("Path", "\\\\Sent Items");
        j.close();
        j.str("Subject", m_rng.pick(kSubjects));
        j.num("SizeInBytes", 2000 + m_rng.below(400000));
        j.close();
        j.close();
    }

    void mailItemsAccessed(const User &user, const Address &addr, const std::string &id, std::int64_t t)
    {
        Json &j = m_json;
        const std::string ip = clientIp(addr, true);
        common(user, id, t, "MailItemsAccessed", 50, "Succeeded", true, ip);
        clientInfo();
        const bool sync = m_rng.chance(0.1);
        j.key("OperationProperties");
        j.openArray();
        j.nameValue("MailAccessType", sync ? "Sync" : "Bind");
        j.closeArray();
        j.str("SessionId", guid(m_rng));
        j.key("Folders");
        j.openArray();
        j.comma();
        j.open();
        j.key("FolderItems");
        j.openArray();
        const int items = sync ? 0 : 1 + (m_rng.chance(0.2) ? m_rng.below(2) : 0);
        for (int i = 0; i < items; ++i) {
            j.comma();
            j.open();
            j.str("InternetMessageId", messageId());
            j.num("SizeInBytes", 2000 + m_rng.below(200000));
            j.close();
        }
        j.closeArray();
        j.str("Path", m_rng.pick(kFolders));
        j.close();
        j.closeArray();
        j.num("OperationCount", items ? items : 1);
        j.close();
    }

    void login(const User &user, const Address &addr, const std::string &id, std::int64_t t, bool failed)
    {
        Json &j = m_json;
        const std::string ip = clientIp(addr, false);
        common(user, id, t, failed ? "UserLoginFailed" : "UserLoggedIn", 15, failed ? "Failed" : "Success",
               false, ip);
        j.str("ObjectId", m_rng.pick(kAppIds));
        j.key("ExtendedProperties");
        j.openArray();
        // Failures come disproportionately from scripted clients.
        j.nameValue("UserAgent", failed && m_rng.chance(0.4) ? "BAV2ROPC" : m_rng.pick(kUserAgents));
        j.nameValue("RequestType", m_rng.pick(kRequestTypes));
        j.closeArray();
        if (failed) {
            static const char *const errors[] = {"50126", "50126", "50053", "50074", "50076", "53003"};
            j.str("ErrorNumber", m_rng.pick(errors));
        }
        j.close();
    }

    void inboxRule(const User &user, const Address &addr, const std::string &id, std::int64_t t, bool set)
    {
        Json &j = m_json;
        const std::string ip = clientIp(addr, true);
        common(user, id, t, set ? "Set-InboxRule" : "New-InboxRule", 1, "True", true, ip);
        const std::string local = user.upn.substr(0, user.upn.find('@'));
        const char *rule = m_rng.pick(kRuleNames);
        j.str("ObjectId", "NAMPR04A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/"
                              "contoso.onmicrosoft.com/" + local + "\\\\" + rule);
        j.str("AppId", kAppIds[0]);
        j.key("Parameters");
        j.openArray();
        j.nameValue("Force", "False");
        if (set)
            j.nameValue("Identity", local + "\\\\" + rule);
        else
            j.nameValue("Name", rule);
        j.nameValue("SubjectOrBodyContainsWords", m_rng.pick(kKeywords));
        if (m_rng.chance(0.35))
            j.nameValue(m_rng.chance(0.5) ? "ForwardTo" : "RedirectTo", m_rng.pick(kExternal));
        else
            j.nameValue("MoveToFolder", m_rng.pick(kMoveTo));
        j.nameValue("MarkAsRead", "True");
        j.nameValue("StopProcessingRules", "True");
        j.closeArray();
        j.str("SessionId", guid(m_rng));
        j.close();
    }

    void updateInboxRules(const User &user, const Address &addr, const std::string &id, std::int64_t t)
    {
        Json &j = m_json;
        const std::string ip = clientIp(addr, true);
        common(user, id, t, "UpdateInboxRules", 2, "Succeeded", true, ip);
        j.str("AppId", kAppIds[1]);
        clientInfo();
        j.key("OperationProperties");
        j.openArray();
        j.nameValue("RuleName", m_rng.pick(kRuleNames));
        j.nameValue("RuleId", exchangeId(m_rng, "", 16));
        j.nameValue("RuleOperation", "AddMailboxRule");
        j.nameValue("RuleCondition", std::string("SubjectOrBodyContains: ") + m_rng.pick(kKeywords));
        // The actions are JSON inside a JSON string.
        std::string actions;
        if (m_rng.chance(0.35))
            actions = std::string("[{\\\"ActionType\\\":\\\"ForwardToRecipientsAction\\\",\\\"Recipients\\\":[\\\"")
                + m_rng.pick(kExternal) + "\\\"]}]";
        else
            actions = std::string("[{\\\"ActionType\\\":\\\"MoveToFolderAction\\\",\\\"Folder\\\":\\\"")
                + m_rng.pick(kMoveTo) + "\\\"},{\\\"ActionType\\\":\\\"MarkAsReadAction\\\"}]";
        j.nameValue("RuleActions", actions);
        j.closeArray();
        j.str("SessionId", guid(m_rng));
        j.close();
    }

    Rng m_rng;
    std::string m_org;
    std::vector<Address> m_addresses;
    std::vector<User> m_users;
    Json m_json;
};

int usage()
{
    std::fprintf(stderr, "usage: purview_gen_bench --records N --out FILE [--seed S]\n");
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    std::uint64_t records = 0, seed = 20230920;
    const char *outPath = nullptr;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (i + 1 >= argc)
            return usage();
        if (a == "--records")
            records = std::strtoull(argv[++i], nullptr, 10);
        else if (a == "--out")
            outPath = argv[++i];
        else if (a == "--seed")
            seed = std::strtoull(argv[++i], nullptr, 10);
        else
            return usage();
    }
    if (!records || !outPath)
        return usage();
    std::FILE *f = std::fopen(outPath, "wb");
    if (!f) {
        std::perror(outPath);
        return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    Generator gen(seed);
    Rng clock(seed ^ 0x5bd1e995);
    // Newest first, like the portal's export; a record every few seconds on average, so that a
    // million records span a few weeks.
    std::int64_t t = 1695182703; // 2023-09-20 04:05:03 UTC
    std::string buf = "\xEF\xBB\xBF" "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,"
                      "AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n";
    buf.reserve(9 << 20);
    std::uint64_t bytes = 0;
    for (std::uint64_t i = 0; i < records; ++i) {
        gen.record(buf, t);
        buf.append("\r\n");
        t -= clock.below(4);
        if (buf.size() >= (8 << 20)) {
            bytes += std::fwrite(buf.data(), 1, buf.size(), f);
            buf.clear();
        }
    }
    bytes += std::fwrite(buf.data(), 1, buf.size(), f);
    if (std::fclose(f) != 0) {
        std::perror(outPath);
        return 1;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "%s: %llu records, %llu bytes (%.0f bytes/record) in %.1f s\n", outPath,
                 static_cast<unsigned long long>(records), static_cast<unsigned long long>(bytes),
                 double(bytes) / double(records), s);
    return 0;
}
