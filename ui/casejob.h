#pragma once

#include "store/casestore.h"

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QtConcurrent>

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

class QThreadPool;

namespace mp::ui {

// Threads for the panels' reads of a case (findings, a user's profile, evidence, triage writes):
// short jobs the analyst waits for, kept apart from backgroundPool()'s long ones (indexing a
// case, reading filter choices), which would otherwise hold them up for seconds on a big case.
QThreadPool *caseReadPool();

// Reads from a case off the GUI thread: `job` runs on the background pool with a case connection
// of its own (an SQLite connection is never shared across threads), and `done` gets its result on
// `context`'s thread. Nothing is delivered once `context` is gone. The job gets a cancel flag
// that the returned handle sets (a newer request supersedes an older one).
template <typename Result>
std::shared_ptr<std::atomic_bool> runCaseJob(QObject *context, const QString &casePath,
                                             std::function<Result(CaseStore &, const std::atomic_bool &)> job,
                                             std::function<void(Result, const QString &error)> done)
{
    struct Outcome
    {
        Result result{};
        QString error;
    };
    auto cancel = std::make_shared<std::atomic_bool>(false);
    auto *watcher = new QFutureWatcher<Outcome>(context);
    QObject::connect(watcher, &QFutureWatcher<Outcome>::finished, context, [watcher, cancel, done = std::move(done)] {
        watcher->deleteLater();
        if (cancel->load() || watcher->future().resultCount() == 0)
            return;
        Outcome outcome = watcher->future().takeResult(); // moved, not copied: findings can be many
        done(std::move(outcome.result), outcome.error);
    });
    watcher->setFuture(QtConcurrent::run(caseReadPool(), [path = casePath.toStdString(), job = std::move(job), cancel] {
        Outcome outcome;
        CaseStore store;
        std::string error;
        if (!store.open(path, false, &error)) {
            outcome.error = QString::fromStdString(error);
            return outcome;
        }
        outcome.result = job(store, *cancel);
        return outcome;
    }));
    return cancel;
}

// The panels' common case of runCaseJob: `load(database, cancel)` builds a Data (which has an
// `error` text) shared read-only with the view; a case that cannot be opened comes back as a
// Data holding only the error, so the panel shows it where the data would have been.
template <typename Data, typename Load>
std::shared_ptr<std::atomic_bool> loadCaseData(QObject *context, const QString &casePath, Load load,
                                               std::function<void(std::shared_ptr<const Data>)> done)
{
    using Result = std::shared_ptr<const Data>;
    return runCaseJob<Result>(
        context, casePath,
        [load = std::move(load)](CaseStore &store, const std::atomic_bool &cancel) -> Result {
            return std::make_shared<const Data>(load(store.database(), cancel));
        },
        [done = std::move(done)](Result data, const QString &error) {
            if (!error.isEmpty()) {
                auto failed = std::make_shared<Data>();
                failed->error = error.toStdString();
                data = std::move(failed);
            }
            done(std::move(data));
        });
}

} // namespace mp::ui
