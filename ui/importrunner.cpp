#include "ui/importrunner.h"

#include "geo/geodb.h"
#include "store/casestore.h"

#include <QElapsedTimer>
#include <QFileInfo>


namespace mp::ui {

namespace {

// Progress is reported at most this often: enough for a smooth bar, few enough events that the
// GUI thread never queues up behind them.
constexpr qint64 kProgressIntervalMs = 50;

} // namespace

ImportRunner::ImportRunner(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<mp::ui::ImportProgress>();
    qRegisterMetaType<mp::ImportReport>();
}

ImportRunner::~ImportRunner()
{
    if (m_cancel)
        m_cancel->store(true);
    if (m_thread.joinable())
        m_thread.join();
}

bool ImportRunner::start(const QString &casePath, const QStringList &files)
{
    if (m_running)
        return false;
    if (m_thread.joinable())
        m_thread.join(); // the previous worker has already reported; this returns at once
    m_running = true;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    std::vector<std::string> paths;
    for (const QString &f : files)
        paths.push_back(f.toStdString());
    emit started(static_cast<int>(files.size()));

    m_thread = std::thread([this, path = casePath.toStdString(), paths = std::move(paths), geo = m_geo,
                            cancel = m_cancel] {
        // Folders become the files found in them; progress counts those.
        const std::vector<ImportFile> found = collectImportFiles(paths, path);
        QStringList names;
        for (const ImportFile &f : found)
            names << QFileInfo(QString::fromStdString(f.path)).fileName();
        ImportReport report;
        CaseStore store;
        std::string error;
        if (!store.open(path, true, &error)) {
            for (const std::string &p : paths) {
                FileReport f;
                f.path = p;
                f.status = FileReport::Status::Failed;
                f.error = error;
                report.files.push_back(std::move(f));
            }
        } else {
            ImportOptions options;
            options.geo = geo.get();
            options.cancel = cancel.get();
            QElapsedTimer sinceReport;
            sinceReport.start();
            std::size_t lastFile = 0;
            qint64 recordsBefore = 0; // records of the files finished before the current one
            qint64 recordsInFile = 0;
            options.progress = [&](std::size_t file, std::uint64_t done, std::uint64_t total, std::int64_t records) {
                if (file != lastFile) {
                    recordsBefore += recordsInFile;
                    lastFile = file;
                } else if (sinceReport.elapsed() < kProgressIntervalMs) {
                    recordsInFile = records;
                    return;
                }
                recordsInFile = records;
                sinceReport.restart();
                ImportProgress p;
                p.fileIndex = static_cast<int>(file);
                p.fileCount = static_cast<int>(found.size());
                p.fileName = names.value(static_cast<int>(file));
                p.bytesDone = static_cast<qint64>(done);
                p.bytesTotal = static_cast<qint64>(total);
                p.recordsRead = recordsBefore + records;
                QMetaObject::invokeMethod(
                    this, [this, p] { emit progress(p); }, Qt::QueuedConnection);
            };
            report = importFiles(store, found, options);
        }
        store.close();
        const bool cancelled = cancel->load();
        // Delivered on the runner's thread; dropped if the runner is gone (its destructor
        // joins this thread first, so `this` is valid while the event is posted).
        QMetaObject::invokeMethod(
            this,
            [this, report = std::move(report), cancelled] {
                m_running = false;
                emit finished(report, cancelled);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void ImportRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

} // namespace mp::ui
