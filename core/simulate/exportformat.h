#pragma once

#include "simulate/simrecords.h"

#include <cstdint>
#include <string>
#include <string_view>

// The real export formats, written byte for byte as Microsoft's tools write them, so that what the
// simulator produces exercises the same reader paths as a customer's files.
namespace mp::sim {

// 2026-10-19T13:02:11Z (Graph) or 2026-10-19T13:02:11 (AuditData CreationTime: no zone, UTC).
std::string isoSeconds(std::int64_t ms, bool zulu);
// 10/19/2026 1:02:11 PM: the en-US form that Purview and Export-Csv write.
std::string usLocaleTime(std::int64_t ms);

// Graph auditLogs/signIns (beta): the page opening, one record per line, and the closing.
std::string_view graphPageHead();
std::string_view graphPageTail();
// Appends one signIn object (no separator).
void appendGraphSignIn(std::string &out, const SignIn &signIn);

// Purview audit search export: header line and one row per record.
std::string_view purviewHeader();
void appendPurviewRow(std::string &out, const AuditRecord &record, std::string_view tenantId,
                      std::string_view organizationName);
// The AuditData object alone (what the Management Activity API returns).
std::string auditDataJson(const AuditRecord &record, std::string_view tenantId, std::string_view organizationName);

// Get-MessageTrace | Export-Csv -NoTypeInformation (PowerShell 7): every cell quoted.
std::string_view messageTraceHeader();
void appendMessageTraceRow(std::string &out, const MessageRow &row);

// CSV cell as RFC 4180 writes it: quoted when needed, quotes doubled. Unlike mp::csvCell this adds
// no formula guard: Microsoft's exports have none, and the simulator must write what they write.
void appendCsvCell(std::string &out, std::string_view text, bool alwaysQuote);

} // namespace mp::sim
