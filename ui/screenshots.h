#pragma once

#include <QString>
#include <QStringList>

namespace mp::ui {

class MainWindow;

// Renders the main views of a window on its open case to PNG files in `dir` (for the
// documentation, the README and tests): waits until the window is idle, selects a telling event
// so that the Record panel has something to show, then grabs the workspace; then selects the user
// of the worst incident and grabs the Timeline and Map panels on their own (timeline.png,
// map.png). Returns the files written.
QStringList takeScreenshots(MainWindow &window, const QString &dir, QString *error, int timeoutMs = 60000);

// Waits, turning the event loop, until the window has nothing pending; false on timeout.
bool waitUntilIdle(MainWindow &window, int timeoutMs);

} // namespace mp::ui
