#pragma once

#include "ingest/importer.h"

#include <string>
#include <vector>

namespace mp {

// Exports that are silently incomplete mislead responders. These checks say so at import time.

// About one file: a record count equal to a known export cap, records out of order by days,
// addresses GeoIP could not place.
std::vector<std::string> fileWarnings(const FileReport &file, std::int64_t outOfOrderLine);

// Across the case: files of one kind that overlap or leave a gap in time, a kind of log that
// covers much less time than the others.
std::vector<std::string> caseWarnings(CaseStore &store);

// Which log a reader's format belongs to: "sign-ins", "audit", "message trace", "rule snapshot".
std::string logFamily(const std::string &formatId);

} // namespace mp
