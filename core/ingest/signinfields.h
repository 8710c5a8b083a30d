#pragma once

#include "ingest/fields.h"
#include "store/event.h"
#include "util/timeparse.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mp {

// Fills a sign-in event from one Entra ID sign-in record, whichever export it came from: Graph
// camelCase (createdDateTime, status.errorCode, location.*), Graph PowerShell PascalCase
// (IPAddress, RiskEventTypesV2, "/Date(ms)/" times), Log Analytics SigninLogs (ResultType,
// LocationDetails, Location as a country code), the Entra portal CSV ("Date (UTC)", "Sign-in error
// code", Location as "City, State, CC") and the "properties" object of an Azure Monitor record.
//
// `envelope` is the Azure Monitor record around `record` (time, category, resultType,
// callerIpAddress, correlationId, location); its fields are used only where the record lacks them.
//
// Choices that readers of the events must know:
// - resultCode is the numeric error code (status.errorCode, then ResultType / resultType / "Sign-in
//   error code"); the failure text never decides success ("Other." accompanies successes). A code
//   that is present but not a number rejects the record. The portal CSV's Status "Success" gives 0
//   when its code column is empty.
// - resultStatus is the failure reason as logged (status.failureReason, ResultDescription, the
//   portal's "Failure reason", else its Status text).
// - correlationId is the sign-in's correlationId; tokenId its uniqueTokenIdentifier, the id the
//   audit log writes as UniqueTokenId for what was done with that token.
// - Coordinates and country are copied as logged; the importer validates and normalises them.
// - Unreadable time, IP address, ASN, coordinates or booleans reject the record with the reason;
//   so does a record with neither user nor time.
bool normalizeSignInRecord(const Fields &record, const Fields *envelope, DateOrder order, Event &event,
                           std::string *reason);

// Reads "/Date(1618834399483)/" and "/Date(1618834399483+0000)/" (Windows PowerShell 5.1
// ConvertTo-Json of a DateTime) as milliseconds since the epoch.
// The Entra directory audit normaliser (directoryreaders.cpp), for streams that mix both logs.
bool normalizeDirectoryAuditRecord(const Fields &record, DateOrder order, Event &event, std::string *reason);

std::optional<std::int64_t> parseMicrosoftJsonDate(std::string_view text) noexcept;

} // namespace mp
