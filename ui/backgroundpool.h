#pragma once

class QThreadPool;

namespace mp::ui {

// Threads for the workspace's long background jobs (indexing a case, reading filter choices,
// opening GeoIP data). Never the global pool: Qt's raster painter borrows global-pool threads to
// draw, so a second-long job there freezes painting until it ends.
QThreadPool *backgroundPool();

} // namespace mp::ui
