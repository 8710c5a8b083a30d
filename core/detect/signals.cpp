#include "detect/signals.h"

#include "util/strings.h"

namespace mp::detect {

bool isLegacyProtocol(std::string_view clientApp)
{
    static constexpr std::string_view kLegacy[] = {
        "IMAP", "POP3", "POP", "Exchange Web Services", "Authenticated SMTP", "SMTP", "Exchange ActiveSync",
        "ActiveSync", "Other clients", "MAPI Over HTTP", "Outlook Anywhere", "RPC over HTTP", "AutoDiscover",
        "Exchange Online PowerShell", "Offline Address Book", "Reporting Web Services",
    };
    if (clientApp.empty())
        return false;
    for (const std::string_view l : kLegacy) {
        if (l.size() <= 4 ? hasTermKql(clientApp, l) || startsWithI(clientApp, l) : findI(clientApp, l) != std::string_view::npos)
            return true;
    }
    return false;
}

std::string_view automationMarker(std::string_view client)
{
    static constexpr std::string_view kMarkers[] = {
        "python-requests", "python-urllib", "python", "aiohttp", "httpx", "curl/", "wget", "go-http-client",
        "axios", "node-fetch", "undici", "okhttp", "libwww-perl", "apache-httpclient", "java/", "postmanruntime",
        "headlesschrome", "phantomjs", "selenium", "puppeteer", "playwright", "scrapy", "bav2ropc",
        "evilginx", "modlishka", "muraena", "powershell",
    };
    if (client.empty())
        return {};
    for (const std::string_view m : kMarkers) {
        if (findI(client, m) != std::string_view::npos)
            return m;
    }
    return {};
}

std::size_t replyPrefixLength(std::string_view subject)
{
    static constexpr std::string_view kPrefixes[] = {
        "RE", "FW", "FWD", "AW", "WG", "SV", "VS", "TR", "RV", "RIF", "ENC", "RES", "ANTW", "DOORST", "ODP", "PD",
        "\xe5\x9b\x9e\xe5\xa4\x8d", // 回复
        "\xe8\xbd\xac\xe5\x8f\x91", // 转发
        "\xe7\xad\x94\xe5\xa4\x8d", // 答复
    };
    std::size_t pos = 0, matched = 0;
    for (;;) {
        while (pos < subject.size() && (subject[pos] == ' ' || subject[pos] == '\t'))
            ++pos;
        bool found = false;
        for (const std::string_view p : kPrefixes) {
            if (subject.size() - pos < p.size() || !iequals(subject.substr(pos, p.size()), p))
                continue;
            std::size_t after = pos + p.size();
            while (after < subject.size() && subject[after] == ' ')
                ++after;
            // "[2]" counters some clients add: "RE[2]:"
            if (after < subject.size() && subject[after] == '[') {
                const std::size_t close = subject.find(']', after);
                if (close != std::string_view::npos && close - after <= 4)
                    after = close + 1;
            }
            if (after < subject.size() && subject[after] == ':') {
                pos = after + 1;
            } else if (subject.substr(after).starts_with("\xef\xbc\x9a")) { // full-width colon
                pos = after + 3;
            } else {
                continue;
            }
            found = true;
            matched = pos;
            break;
        }
        if (!found)
            break;
    }
    return matched;
}

} // namespace mp::detect
