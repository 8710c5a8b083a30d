// The workspace window driven as an analyst would: open a case, select an event and read its
// original record, import files (through the menu path and by dropping them) with errors listed
// in the Import log, and find the layout as it was left after a restart.
#include "../store/syntheticcase.h"
#include "store/database.h"
#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/guiapp.h"
#include "ui/importlogmodel.h"
#include "ui/importrunner.h"
#include "ui/itemroles.h"
#include "ui/mainwindow.h"
#include "ui/recordview.h"
#include "ui/screenshots.h"
#include "ui/sourcetablemodel.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QFile>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace mp;
using namespace mp::ui;

namespace {

constexpr int kEvents = 800;

MainWindow::Options testOptions(bool persistent = false)
{
    MainWindow::Options o;
    o.persistent = persistent;
    o.quiet = true;
    o.geoDataDir = QStringLiteral("-"); // results must not depend on downloaded data
    return o;
}

bool waitForEvents(MainWindow &w)
{
    return waitUntilIdle(w, 20000);
}

QByteArray purviewRow(const QByteArray &id, const QByteArray &user, const QByteArray &op)
{
    QByteArray json = "{\"CreationTime\":\"2024-03-14T10:00:00\",\"Id\":\"" + id + "\",\"Operation\":\"" + op
                      + "\",\"RecordType\":2,\"ResultStatus\":\"Succeeded\",\"UserId\":\"" + user
                      + "\",\"Workload\":\"Exchange\",\"ClientIP\":\"198.51.100.7\"}";
    json.replace("\"", "\"\"");
    return id + ",2024-03-14T10:00:00," + "ExchangeItem," + op + "," + user + ",\"" + json + "\",,\r\n";
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void opensCaseWithSourcesAndProblems();
    void selectingRowShowsOriginalRecord();
    void markupInTheRecordIsShownAsText();
    void importListsErrorsInImportLog();
    void droppedFilesAreImported();
    void windowStateIsSavedAndRestored();
    void recentCasesRemembered();
    void recordFormatsJsonOnlyWhenAsked();
    void guiArguments_data();
    void guiArguments();
    void screenshotCommandWritesWorkspace();

private:
    QString write(const QString &name, const QByteArray &bytes);
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_case;
    int m_n = 0;
};

QString TestMainWindow::write(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return {};
    return path;
}

void TestMainWindow::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("MailpivotTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir->filePath(QStringLiteral("settings")));
}

void TestMainWindow::init()
{
    QSettings().clear();
    m_case = m_dir->filePath(QStringLiteral("case%1.mpcase").arg(++m_n));
    std::string error;
    QVERIFY2(test::writeSyntheticCase(m_case.toStdString(), kEvents, &error), error.c_str());
}

void TestMainWindow::opensCaseWithSourcesAndProblems()
{
    MainWindow w(testOptions());
    QAbstractItemModelTester sourcesTester(w.sources(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester logTester(w.importLog(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    w.show();
    QSignalSpy opened(&w, &MainWindow::caseOpened);
    QVERIFY(w.openCase(m_case));
    QCOMPARE(opened.count(), 1);
    QVERIFY(waitForEvents(w));
    QCOMPARE(w.eventsPanel()->model()->rowCount(), kEvents);
    QVERIFY2(w.statusText().contains(QStringLiteral("800 events")), qPrintable(w.statusText()));
    QVERIFY(w.statusText().contains(QFileInfo(m_case).fileName()));
    QVERIFY(w.windowTitle().startsWith(QFileInfo(m_case).fileName()));

    // Chain of custody: the file with its hash and counts.
    QCOMPARE(w.sources()->rowCount(), 1);
    auto cell = [&](int column, int role = Qt::DisplayRole) { return w.sources()->index(0, column).data(role); };
    QCOMPARE(cell(SourceTableModel::File).toString(), QString::fromLatin1(test::kSyntheticSourceName));
    QCOMPARE(cell(SourceTableModel::Sha256).toString(), QString::fromLatin1(test::kSyntheticSha256));
    QCOMPARE(cell(SourceTableModel::Imported, SortRole).toLongLong(), kEvents);
    QCOMPARE(cell(SourceTableModel::Rejected, SortRole).toLongLong(), 1);

    // The problems kept in the case are listed: file, line, severity, reason.
    const auto &entries = w.importLog()->entries();
    const auto rejected = std::find_if(entries.begin(), entries.end(), [](const ImportLogModel::Entry &e) {
        return e.level == ImportLogModel::Level::Rejected;
    });
    QVERIFY(rejected != entries.end());
    QCOMPARE(rejected->file, QString::fromLatin1(test::kSyntheticSourceName));
    QCOMPARE(rejected->line, 3);
    QVERIFY(rejected->reason.contains(QStringLiteral("not a JSON object")));

    w.closeCase();
    QVERIFY(!w.hasCase());
    QCOMPARE(w.eventsPanel()->model()->rowCount(), 0);
    QCOMPARE(w.sources()->rowCount(), 0);
}

void TestMainWindow::selectingRowShowsOriginalRecord()
{
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(waitForEvents(w));
    QTableView *view = w.eventsPanel()->view();
    const int row = 123;
    view->scrollTo(view->model()->index(row, 0));
    QCoreApplication::processEvents();
    const QRect rect = view->visualRect(view->model()->index(row, static_cast<int>(EventColumn::User)));
    QVERIFY(rect.isValid());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    const qint64 id = w.eventsPanel()->model()->eventId(row);
    QCOMPARE(w.recordView()->eventId(), id);

    CaseStore store;
    QVERIFY(store.open(m_case.toStdString(), false, nullptr));
    const auto raw = store.rawRecord(id);
    const auto event = store.event(id);
    QVERIFY(raw && event);
    QCOMPARE(w.recordView()->recordText().toStdString(), *raw);
    const QString provenance = w.recordView()->provenance();
    QVERIFY2(provenance.contains(QStringLiteral("%1:%2").arg(QString::fromLatin1(test::kSyntheticSourceName)).arg(event->event.line)),
             qPrintable(provenance));
    QVERIFY(provenance.contains(QString::fromLatin1(test::kSyntheticSha256)));

    // The keyboard moves the selection and the record follows.
    QTest::keyClick(view, Qt::Key_Down);
    QCOMPARE(w.recordView()->eventId(), w.eventsPanel()->model()->eventId(row + 1));
}

void TestMainWindow::markupInTheRecordIsShownAsText()
{
    // An operation name is whatever the log says. In the record view's heading it must read as
    // it was written, not be rendered as rich text (an image, a link, bold).
    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("hostile.mpcase"));
    QVERIFY(QFile::copy(m_case, copy));
    const QString hostile = QStringLiteral("<img src='x'><b>Set-Mailbox</b>");
    std::int64_t id = 0;
    {
        CaseStore store;
        QVERIFY(store.open(copy.toStdString(), false, nullptr));
        Statement pick(store.database(), "SELECT min(id) FROM events");
        QVERIFY(pick.step());
        id = pick.int64(0);
        Statement update(store.database(), "UPDATE events SET operation = ? WHERE id = ?");
        update.bind(1, hostile.toStdString());
        update.bind(2, id);
        QVERIFY(update.run());
    }
    CaseStore store;
    QVERIFY(store.open(copy.toStdString(), false, nullptr));
    RecordView view;
    view.resize(1200, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showRecord(store, id);
    bool shown = false;
    for (const QLabel *label : view.findChildren<QLabel *>()) {
        if (label->text() != hostile)
            continue;
        shown = true;
        QCOMPARE(label->textFormat(), Qt::PlainText);
    }
    QVERIFY2(shown, "the operation is not in the heading");

    // Too narrow for the heading: elided, and whole in the tool tip, which Qt renders as rich text
    // when it looks like markup. What it renders must be the log's text, letter for letter.
    view.resize(120, 400);
    QCoreApplication::processEvents();
    bool tipped = false;
    for (const QLabel *label : view.findChildren<QLabel *>()) {
        if (label->toolTip().isEmpty() || !label->toolTip().contains(QStringLiteral("Set-Mailbox")))
            continue;
        tipped = true;
        QTextDocument rendered;
        rendered.setHtml(label->toolTip());
        QCOMPARE(rendered.toPlainText(), hostile);
    }
    QVERIFY2(tipped, "the elided heading has no tool tip");
}

void TestMainWindow::importListsErrorsInImportLog()
{
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(waitForEvents(w));
    QByteArray csv = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n";
    csv += purviewRow("aaaaaaaa-0000-4000-8000-000000000001", "eve@contoso.com", "New-InboxRule");
    csv += "bbbbbbbb-0000-4000-8000-000000000002,not a date,ExchangeItem,Send,eve@contoso.com,\"{}\",,\r\n";
    csv += purviewRow("aaaaaaaa-0000-4000-8000-000000000003", "eve@contoso.com", "Send");
    const QString good = write(QStringLiteral("purview-%1.csv").arg(m_n), csv);
    const QString junk = write(QStringLiteral("notes-%1.txt").arg(m_n), "meeting notes, not a log\n");
    QSignalSpy finished(&w, &MainWindow::importFinished);
    QVERIFY(w.importFiles({good, junk}));
    QVERIFY(w.statusText().contains(QStringLiteral("Importing")));
    // Another case cannot be opened (and this import cancelled behind the analyst's back).
    QString error;
    QVERIFY(!w.openCase(m_case, &error));
    QVERIFY(error.contains(QStringLiteral("import is running")));
    QVERIFY(finished.wait(60000));
    QVERIFY(waitForEvents(w));

    QCOMPARE(w.eventsPanel()->model()->rowCount(), kEvents + 2);
    QCOMPARE(w.sources()->rowCount(), 2);
    const auto &entries = w.importLog()->entries();
    auto find = [&](const QString &file, ImportLogModel::Level level) {
        return std::find_if(entries.begin(), entries.end(), [&](const ImportLogModel::Entry &e) {
            return e.file == file && e.level == level;
        });
    };
    const auto junkRow = find(QFileInfo(junk).fileName(), ImportLogModel::Level::Error);
    QVERIFY(junkRow != entries.end());
    QVERIFY(junkRow->reason.startsWith(QStringLiteral("unrecognised")));
    const auto rejected = find(QFileInfo(good).fileName(), ImportLogModel::Level::Rejected);
    QVERIFY(rejected != entries.end());
    QCOMPARE(rejected->line, 3);
    QVERIFY(find(QFileInfo(good).fileName(), ImportLogModel::Level::Info) != entries.end());
    QVERIFY(w.panel(QStringLiteral("importlog"))->isVisible());
    // The log is a table the analyst can sort: severity puts errors first.
    QTableView *log = w.importLogView();
    log->sortByColumn(ImportLogModel::Severity, Qt::AscendingOrder);
    QCOMPARE(log->model()->index(0, ImportLogModel::Severity).data().toString(), QStringLiteral("error"));
}

void TestMainWindow::droppedFilesAreImported()
{
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(waitForEvents(w));
    QByteArray csv = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n";
    csv += purviewRow("cccccccc-0000-4000-8000-000000000001", "mallory@contoso.com", "Set-Mailbox");
    const QString file = write(QStringLiteral("dropped-%1.csv").arg(m_n), csv);

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(file)});
    const QPoint at = w.rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&w, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QSignalSpy finished(&w, &MainWindow::importFinished);
    QCoreApplication::sendEvent(&w, &drop);
    QVERIFY(drop.isAccepted());
    QVERIFY(finished.wait(60000));
    QVERIFY(waitForEvents(w));
    QCOMPARE(w.eventsPanel()->model()->rowCount(), kEvents + 1);

    // A dropped folder imports the exports in it and its subfolders; what else it holds is
    // logged as skipped, not as an error.
    const QString folder = m_dir->filePath(QStringLiteral("handover-%1").arg(m_n));
    QVERIFY(QDir().mkpath(folder + QStringLiteral("/audit")));
    QByteArray more = "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n";
    more += purviewRow("cccccccc-0000-4000-8000-000000000002", "mallory@contoso.com", "Send");
    write(QStringLiteral("handover-%1/audit/export.csv").arg(m_n), more);
    write(QStringLiteral("handover-%1/readme.txt").arg(m_n), "what the customer sent\n");
    QMimeData folderMime;
    folderMime.setUrls({QUrl::fromLocalFile(folder)});
    QDragEnterEvent folderEnter(at, Qt::CopyAction, &folderMime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&w, &folderEnter);
    QVERIFY(folderEnter.isAccepted());
    QDropEvent folderDrop(at, Qt::CopyAction, &folderMime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&w, &folderDrop);
    QVERIFY(folderDrop.isAccepted());
    QVERIFY(finished.wait(60000));
    QVERIFY(waitForEvents(w));
    QCOMPARE(w.eventsPanel()->model()->rowCount(), kEvents + 2);
    const auto &entries = w.importLog()->entries();
    const auto readme = std::find_if(entries.begin(), entries.end(), [](const ImportLogModel::Entry &e) {
        return e.file == QLatin1String("readme.txt");
    });
    QVERIFY(readme != entries.end());
    QCOMPARE(readme->level, ImportLogModel::Level::Info);
    QVERIFY2(readme->reason.startsWith(QStringLiteral("skipped, not a log export")), qPrintable(readme->reason));

    // Something that is not a local file is refused at the door.
    QMimeData remote;
    remote.setUrls({QUrl(QStringLiteral("https://example.com/x.csv"))});
    QDragEnterEvent refused(at, Qt::CopyAction, &remote, Qt::LeftButton, Qt::NoModifier);
    refused.setAccepted(false);
    QCoreApplication::sendEvent(&w, &refused);
    QVERIFY(!refused.isAccepted());
}

void TestMainWindow::windowStateIsSavedAndRestored()
{
    QRect geometry;
    {
        MainWindow w(testOptions(true));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.resize(1360, 760); // not the default size, and above the workspace's minimum
        w.panel(QStringLiteral("sources"))->hide();
        w.addDockWidget(Qt::LeftDockWidgetArea, w.panel(QStringLiteral("record")));
        w.eventsPanel()->view()->horizontalHeader()->setSectionHidden(static_cast<int>(EventColumn::Country), true);
        QCoreApplication::processEvents();
        geometry = w.geometry();
        w.close(); // saves
    }
    MainWindow w(testOptions(true));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.size(), geometry.size());
    QVERIFY(!w.panel(QStringLiteral("sources"))->isVisible());
    QVERIFY(w.panel(QStringLiteral("importlog"))->isVisible());
    QCOMPARE(w.dockWidgetArea(w.panel(QStringLiteral("record"))), Qt::LeftDockWidgetArea);
    QVERIFY(w.eventsPanel()->view()->horizontalHeader()->isSectionHidden(static_cast<int>(EventColumn::Country)));

    w.resetLayout();
    QVERIFY(w.panel(QStringLiteral("sources"))->isVisible());
    QCOMPARE(w.dockWidgetArea(w.panel(QStringLiteral("record"))), Qt::RightDockWidgetArea);
}

void TestMainWindow::recentCasesRemembered()
{
    {
        MainWindow w(testOptions(true));
        QVERIFY(w.openCase(m_case));
        QVERIFY(waitForEvents(w));
    }
    MainWindow w(testOptions(true));
    QCOMPARE(w.recentCases().value(0), QFileInfo(m_case).absoluteFilePath());
    // A case that cannot be opened is reported, not added.
    QString error;
    QVERIFY(!w.openCase(m_dir->filePath(QStringLiteral("missing.mpcase")), &error));
    QVERIFY(error.contains(QStringLiteral("no such case")));
    QCOMPARE(w.recentCases().size(), 1);
}

void TestMainWindow::recordFormatsJsonOnlyWhenAsked()
{
    // A Purview CSV row: the JSON is a quoted cell with its quotes doubled.
    const QString csv = QStringLiteral(R"(id1,2024-03-14T10:00:00,ExchangeItem,New-InboxRule,eve@contoso.com,"{""Operation"":""New-InboxRule"",""Parameters"":[{""Name"":""ForwardTo"",""Value"":""x@evil.example""}]}",,)");
    const QString formatted = RecordView::formattedJson(csv);
    QVERIFY(formatted.contains(QStringLiteral("\n")));
    QVERIFY(formatted.contains(QStringLiteral("\"ForwardTo\"")));
    QVERIFY(!formatted.contains(QStringLiteral("\"\"")));
    QVERIFY(RecordView::formattedJson(QStringLiteral("{\"a\":1}")).contains(QStringLiteral("\"a\": 1")));
    QVERIFY(RecordView::formattedJson(QStringLiteral("plain,text,row")).isEmpty());

    // The view shows the original until the analyst asks for the formatted JSON.
    MainWindow w(testOptions());
    w.show();
    QVERIFY(w.openCase(m_case));
    QVERIFY(waitForEvents(w));
    QVERIFY(w.eventsPanel()->selectEvent(w.eventsPanel()->model()->eventId(0)));
    auto *text = w.recordView()->findChild<QPlainTextEdit *>();
    QVERIFY(text);
    QCOMPARE(text->toPlainText(), w.recordView()->recordText());
    QToolButton *format = nullptr;
    for (QToolButton *b : w.recordView()->findChildren<QToolButton *>()) {
        if (b->text() == QLatin1String("Format JSON"))
            format = b;
    }
    QVERIFY(format);
    format->click();
    QVERIFY(text->toPlainText() != w.recordView()->recordText());
    QVERIFY(text->toPlainText().contains(QStringLiteral("\"operation\": ")));
    format->click();
    QCOMPARE(text->toPlainText(), w.recordView()->recordText());
}

void TestMainWindow::guiArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("casePath");
    QTest::addColumn<QString>("dir");
    QTest::newRow("nothing") << QStringList{} << true << QString() << QString();
    QTest::newRow("case") << QStringList{QStringLiteral("a.mpcase")} << true << QStringLiteral("a.mpcase") << QString();
    QTest::newRow("screenshot") << QStringList{QStringLiteral("a.mpcase"), QStringLiteral("--screenshot"), QStringLiteral("out")}
                                << true << QStringLiteral("a.mpcase") << QStringLiteral("out");
    QTest::newRow("screenshot=") << QStringList{QStringLiteral("--screenshot=out"), QStringLiteral("a.mpcase")} << true
                                 << QStringLiteral("a.mpcase") << QStringLiteral("out");
    QTest::newRow("screenshot without case") << QStringList{QStringLiteral("--screenshot"), QStringLiteral("out")} << false
                                             << QString() << QString();
    QTest::newRow("screenshot without dir") << QStringList{QStringLiteral("a.mpcase"), QStringLiteral("--screenshot")}
                                            << false << QString() << QString();
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")} << false << QString() << QString();
    QTest::newRow("two cases") << QStringList{QStringLiteral("a.mpcase"), QStringLiteral("b.mpcase")} << false
                               << QString() << QString();
}

void TestMainWindow::guiArguments()
{
    QFETCH(QStringList, args);
    QFETCH(bool, ok);
    QFETCH(QString, casePath);
    QFETCH(QString, dir);
    std::vector<std::string> argv;
    for (const QString &a : args)
        argv.push_back(a.toStdString());
    std::string error;
    const auto options = parseGuiArguments(argv, &error);
    QCOMPARE(options.has_value(), ok);
    if (!ok) {
        QVERIFY(!error.empty());
        return;
    }
    QCOMPARE(QString::fromStdString(options->casePath), casePath);
    QCOMPARE(QString::fromStdString(options->screenshotDir), dir);
}

void TestMainWindow::screenshotCommandWritesWorkspace()
{
    const QString binary = qEnvironmentVariable("MAILPIVOT_BINARY");
    if (binary.isEmpty())
        QSKIP("MAILPIVOT_BINARY is not set (run through ctest)");
    const QString out = m_dir->filePath(QStringLiteral("shots"));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("MAILPIVOT_DATA_DIR"), m_dir->filePath(QStringLiteral("no-geo")));
    p.setProcessEnvironment(env);
    p.start(binary, {QStringLiteral("gui"), m_case, QStringLiteral("--screenshot"), out});
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QImage image(QDir(out).filePath(QStringLiteral("workspace.png")));
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1600, 1000));
    // Not a blank grab: the table's text and alternating rows give many distinct colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY(colours.size() > 20);

    p.start(binary, {QStringLiteral("gui"), m_dir->filePath(QStringLiteral("missing.mpcase")), QStringLiteral("--screenshot"), out});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 1);
    p.start(binary, {QStringLiteral("gui"), QStringLiteral("--screenshot")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 2);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
