#pragma once

#include <Qt>

namespace mp::ui {

// Roles every model of the workspace answers. Display text is formatted for reading; SortRole
// holds the raw value (time as qint64 ms, counts as integers, text as stored) so that proxies
// and tests sort and compare on values, never on display text.
enum ItemRole {
    SortRole = Qt::UserRole + 1,
    EventIdRole,  // qint64: the event a row shows (events table)
    SourceIdRole, // qint64: the imported file a row belongs to
};

} // namespace mp::ui
