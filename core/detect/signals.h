#pragma once

#include <cstddef>
#include <string_view>

// Text signals the newer detectors share: legacy protocols, automation clients, reply prefixes.
namespace mp::detect {

// clientAppUsed (or a client string) naming a legacy, basic-auth capable protocol: IMAP4, POP3,
// Exchange Web Services, Authenticated SMTP, Exchange ActiveSync, "Other clients", MAPI over
// HTTP, Outlook Anywhere (RPC over HTTP), AutoDiscover, ...
bool isLegacyProtocol(std::string_view clientApp);

// A user agent or client string of a script, HTTP library, headless browser or phishing proxy
// rather than a mail client: python-requests, curl, Go-http-client, axios, BAV2ROPC, ... Returns
// the matched marker, empty when none.
std::string_view automationMarker(std::string_view clientString);

// Length of the reply/forward prefixes at the start of a subject (RE:, FW:, FWD:, AW:, WG:, SV:,
// VS:, TR:, RV:, RIF:, ENC:, RES:, Antw:, Doorst:, Odp:, PD:, 回复:, 转发:, 答复:, repeated, any case,
// with spaces and full-width colons); 0 when the subject is not a reply or forward.
std::size_t replyPrefixLength(std::string_view subject);

} // namespace mp::detect
