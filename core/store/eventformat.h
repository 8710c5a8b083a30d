#pragma once

#include "store/casestore.h"
#include "util/jsonwriter.h"

#include <string>
#include <vector>

namespace mp {

// The one serialisation of a normalised event, shared by `mailpivot events`, reports and the
// golden-file tests. Empty fields are left out; keys are stable.
void writeEventJson(JsonWriter &out, const StoredEvent &event, std::string_view sourceName,
                    bool includeId = true);

// CSV: a fixed header and one line per event, formula-safe.
const std::vector<std::string> &eventCsvColumns();
std::string eventCsvLine(const StoredEvent &event, std::string_view sourceName);

const char *geoSourceName(GeoSource source);

} // namespace mp
