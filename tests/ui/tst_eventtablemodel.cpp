// The events table over a case: pages are read only for the rows a view shows, rows say what the
// case holds, filters give the rows the CLI gives, sorting orders by raw values, and the panel
// copies rows as text and remembers its columns.
#include "../store/syntheticcase.h"
#include "cli/cli.h"
#include "ui/eventfilterbar.h"
#include "ui/eventspanel.h"
#include "ui/eventtablemodel.h"
#include "ui/itemroles.h"
#include "util/strings.h"
#include "util/timeparse.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>

#include <limits>
#include <memory>
#include <set>
#include <sstream>

using namespace mp;
using namespace mp::ui;

namespace {

constexpr int kBigCase = 20000;
constexpr int kSmallCase = 1500;

// Waits for the model's pending query to answer.
bool settle(EventTableModel &model)
{
    if (!model.isBusy())
        return true;
    QSignalSpy spy(&model, &EventTableModel::queryFinished);
    return spy.wait(20000);
}

std::vector<qint64> modelIds(const EventTableModel &model)
{
    std::vector<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.push_back(model.eventId(row));
    return ids;
}

// `mailpivot events CASE ARGS --json`, in process: the ids it lists.
std::vector<qint64> cliIds(const QString &casePath, const QStringList &args)
{
    std::vector<std::string> argv = {"events", casePath.toStdString(), "--json"};
    for (const QString &a : args)
        argv.push_back(a.toStdString());
    std::ostringstream out, err;
    if (cli::run(argv, out, err) != cli::Ok)
        return {-1};
    std::vector<qint64> ids;
    const QJsonArray events = QJsonDocument::fromJson(QByteArray::fromStdString(out.str())).array();
    for (const QJsonValue &v : events)
        ids.push_back(v.toObject().value(QStringLiteral("id")).toInteger());
    return ids;
}

} // namespace

Q_DECLARE_METATYPE(mp::EventQuery)

class TestEventTableModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void passesModelTester();
    void scrollingToTheEndReadsOnlyShownPages();
    void rowsMatchTheCase();
    void filtersGiveCliRows_data();
    void filtersGiveCliRows();
    void freeTextMatchesCliRowsByContent();
    void sortingOrdersByRawValue_data();
    void sortingOrdersByRawValue();
    void headerClickRequeriesOrder();
    void filterBarDrivesTheTable();
    void invalidFieldsAreMarkedNotMatched();
    void copiesSelectedRowsAsTabSeparatedText();
    void columnChoicesAreRemembered();
    void selectionSurvivesFilterChange();
    void indexAnswersLikeSql();
    void staleIndexIsNotUsed();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_big;
    QString m_small;
};

void TestEventTableModel::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_big = m_dir->filePath(QStringLiteral("big.mpcase"));
    m_small = m_dir->filePath(QStringLiteral("small.mpcase"));
    std::string error;
    QVERIFY2(test::writeSyntheticCase(m_big.toStdString(), kBigCase, &error), error.c_str());
    QVERIFY2(test::writeSyntheticCase(m_small.toStdString(), kSmallCase, &error), error.c_str());
}

void TestEventTableModel::passesModelTester()
{
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    QVERIFY2(model.openCase(m_small, &error), qPrintable(error));
    QVERIFY(settle(model));
    QCOMPARE(model.rowCount(), kSmallCase);
    EventQuery q;
    q.user = "user03@contoso.com";
    model.setQuery(q);
    QVERIFY(settle(model));
    QVERIFY(model.rowCount() > 0 && model.rowCount() < kSmallCase);
    model.sort(static_cast<int>(EventColumn::Ip), Qt::DescendingOrder);
    QVERIFY(settle(model));
    model.setQuery({});
    QVERIFY(settle(model));
    model.closeCase();
    QCOMPARE(model.rowCount(), 0);
}

void TestEventTableModel::scrollingToTheEndReadsOnlyShownPages()
{
    EventTableModel model;
    QString error;
    QVERIFY(model.openCase(m_big, &error));
    QVERIFY(settle(model));
    QCOMPARE(model.rowCount(), kBigCase);
    QTableView view;
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.verticalHeader()->setDefaultSectionSize(20);
    view.resize(900, 600);
    view.setModel(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCoreApplication::processEvents();
    QCOMPARE(model.cachedPages(), std::vector<int>{0});
    const int queriesAtTop = model.pageQueryCount();
    QCOMPARE(queriesAtTop, 1);

    view.scrollToBottom();
    QCoreApplication::processEvents();
    view.viewport()->repaint();
    const int lastPage = (kBigCase - 1) / EventTableModel::kPageSize;
    const std::vector<int> pages = model.cachedPages();
    // The top page and the one or two pages the bottom rows fall in; none of the ~75 between.
    QVERIFY2(pages.size() <= 3, qPrintable(QStringLiteral("%1 pages read").arg(pages.size())));
    QCOMPARE(pages.back(), lastPage);
    for (const int p : pages)
        QVERIFY(p == 0 || p >= lastPage - 1);
    QVERIFY(model.pageQueryCount() <= 3);

    // Scrolling back over cached pages reads nothing.
    const int before = model.pageQueryCount();
    view.scrollToTop();
    QCoreApplication::processEvents();
    view.viewport()->repaint();
    QCOMPARE(model.pageQueryCount(), before);
}

void TestEventTableModel::rowsMatchTheCase()
{
    EventTableModel model;
    QString error;
    QVERIFY(model.openCase(m_big, &error));
    QVERIFY(settle(model));
    CaseStore store;
    std::string message;
    QVERIFY(store.open(m_big.toStdString(), false, &message));
    for (const int row : {0, 1, 255, 256, 9999, kBigCase - 1}) {
        const qint64 id = model.eventId(row);
        const auto stored = store.event(id);
        QVERIFY(stored);
        const Event &e = stored->event;
        auto cell = [&](EventColumn c, int role = Qt::DisplayRole) {
            return model.data(model.index(row, static_cast<int>(c)), role);
        };
        QCOMPARE(cell(EventColumn::Time, SortRole).toLongLong(), e.timeMs);
        QCOMPARE(cell(EventColumn::User).toString().toStdString(), e.user);
        QCOMPARE(cell(EventColumn::Ip).toString().toStdString(), e.ip);
        QCOMPARE(cell(EventColumn::Operation).toString().toStdString(), e.operation);
        QCOMPARE(cell(EventColumn::Country).toString().toStdString(), e.country);
        QCOMPARE(cell(EventColumn::City).toString().toStdString(), e.city);
        QCOMPARE(cell(EventColumn::App).toString().toStdString(), e.app);
        QCOMPARE(cell(EventColumn::Result, SortRole).toLongLong(), e.resultCode);
        QCOMPARE(model.data(model.index(row, 0), EventIdRole).toLongLong(), id);
        if (!e.ruleName.empty())
            QVERIFY(cell(EventColumn::Details).toString().contains(QString::fromStdString(e.ruleName)));
        if (e.asn)
            QCOMPARE(cell(EventColumn::AsOrg).toString(), QStringLiteral("AS%1 %2").arg(e.asn).arg(QString::fromStdString(e.asOrg)));
        // The user agent is log text: its tip is marked as rich text and escaped, so that Qt
        // shows it literally, line break included, whatever markup it holds.
        QTextDocument tip;
        tip.setHtml(cell(EventColumn::ClientApp, Qt::ToolTipRole).toString());
        QCOMPARE(tip.toPlainText().replace(QChar::LineSeparator, QLatin1Char('\n')),
                 QStringLiteral("%1\nUser agent: %2").arg(QString::fromStdString(e.clientApp), QString::fromStdString(e.userAgent)));
    }
    // Rows come in time order, as the CLI lists them.
    QCOMPARE(modelIds(model), cliIds(m_big, {}));
}

void TestEventTableModel::filtersGiveCliRows_data()
{
    QTest::addColumn<EventQuery>("query");
    QTest::addColumn<QStringList>("cliArgs");
    EventQuery q;
    q.user = "USER05@contoso.com";
    QTest::newRow("user") << q << QStringList{QStringLiteral("--user"), QStringLiteral("user05@contoso.com")};
    q = {};
    q.ip = "2001:db8::1a";
    QTest::newRow("ipv6") << q << QStringList{QStringLiteral("--ip"), QStringLiteral("[2001:DB8::1A]:443")};
    q = {};
    q.ip = "203.0.113.8";
    QTest::newRow("ipv4") << q << QStringList{QStringLiteral("--ip"), QStringLiteral("203.0.113.8")};
    q = {};
    q.fromMs = test::kSyntheticStartMs + 2 * 3600000;
    q.toMs = test::kSyntheticStartMs + 5 * 3600000;
    QTest::newRow("time") << q
                          << QStringList{QStringLiteral("--from"), QStringLiteral("2024-03-12T10:00:00Z"),
                                         QStringLiteral("--to"), QStringLiteral("2024-03-12T13:00:00Z")};
    q.operation = "send";
    q.user = "user12@contoso.com";
    QTest::newRow("user, operation and time")
        << q
        << QStringList{QStringLiteral("--from"), QStringLiteral("2024-03-12T10:00:00Z"), QStringLiteral("--to"),
                       QStringLiteral("2024-03-12T13:00:00Z"), QStringLiteral("--operation"), QStringLiteral("Send"),
                       QStringLiteral("--user"), QStringLiteral("user12@contoso.com")};
}

void TestEventTableModel::filtersGiveCliRows()
{
    QFETCH(EventQuery, query);
    QFETCH(QStringList, cliArgs);
    EventTableModel model;
    QString error;
    QVERIFY(model.openCase(m_big, &error));
    QVERIFY(settle(model));
    model.setQuery(query);
    QVERIFY(settle(model));
    const std::vector<qint64> expected = cliIds(m_big, cliArgs);
    QVERIFY(!expected.empty());
    QCOMPARE(modelIds(model), expected);
}

void TestEventTableModel::freeTextMatchesCliRowsByContent()
{
    // The CLI has no free-text filter: its full JSON listing, searched by hand, is the reference.
    std::vector<std::string> argv = {"events", m_small.toStdString(), "--json"};
    std::ostringstream out, err;
    QCOMPARE(cli::run(argv, out, err), int(cli::Ok));
    const QJsonArray events = QJsonDocument::fromJson(QByteArray::fromStdString(out.str())).array();
    for (const QString &needle : {QStringLiteral("EVIL.example"), QStringLiteral("firefox/110"), QStringLiteral("Invoice 13")}) {
        std::vector<qint64> expected;
        for (const QJsonValue &v : events) {
            const QJsonObject o = v.toObject();
            for (const char *field : {"user", "ip", "operation", "subject", "rule_name", "forward_targets", "user_agent"}) {
                const QJsonValue value = o.value(QLatin1String(field));
                QString text = value.toString();
                for (const QJsonValue &item : value.toArray()) // forward_targets is a list
                    text += item.toString() + QLatin1Char(';');
                if (text.contains(needle, Qt::CaseInsensitive)) {
                    expected.push_back(o.value(QStringLiteral("id")).toInteger());
                    break;
                }
            }
        }
        QVERIFY2(!expected.empty(), qPrintable(needle));
        EventTableModel model;
        QString error;
        QVERIFY(model.openCase(m_small, &error));
        QVERIFY(settle(model));
        EventQuery q;
        q.text = needle.toStdString();
        model.setQuery(q);
        QVERIFY(settle(model));
        QCOMPARE(modelIds(model), expected);
    }
}

void TestEventTableModel::sortingOrdersByRawValue_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("order");
    for (const EventColumn c : {EventColumn::Time, EventColumn::User, EventColumn::Ip, EventColumn::Country,
                                EventColumn::AsOrg, EventColumn::Operation, EventColumn::Result}) {
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            QTest::newRow(qPrintable(EventTableModel::columnTitle(c) + (order == Qt::AscendingOrder ? QStringLiteral(" asc") : QStringLiteral(" desc"))))
                << static_cast<int>(c) << static_cast<int>(order);
        }
    }
}

void TestEventTableModel::sortingOrdersByRawValue()
{
    QFETCH(int, column);
    QFETCH(int, order);
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    QVERIFY(model.openCase(m_small, &error));
    QVERIFY(settle(model));
    model.sort(column, static_cast<Qt::SortOrder>(order));
    QVERIFY(settle(model));
    QCOMPARE(model.rowCount(), kSmallCase);
    const bool descending = order == Qt::DescendingOrder;
    const bool caseless = column == static_cast<int>(EventColumn::Operation);
    for (int row = 1; row < model.rowCount(); ++row) {
        const QVariant a = model.data(model.index(row - 1, column), SortRole);
        const QVariant b = model.data(model.index(row, column), SortRole);
        int cmp = 0;
        if (a.typeId() == QMetaType::QString)
            cmp = QString::compare(a.toString(), b.toString(), caseless ? Qt::CaseInsensitive : Qt::CaseSensitive);
        else
            cmp = a.toLongLong() < b.toLongLong() ? -1 : a.toLongLong() > b.toLongLong() ? 1 : 0;
        if (descending ? cmp < 0 : cmp > 0)
            QFAIL(qPrintable(QStringLiteral("rows %1 and %2 out of order: %3, %4").arg(row - 1).arg(row).arg(a.toString(), b.toString())));
        if (cmp == 0 && column != static_cast<int>(EventColumn::Result)) {
            // Ties are broken by time, in the same direction (the result has the status text as
            // a second key before the time).
            const qint64 ta = model.data(model.index(row - 1, 0), SortRole).toLongLong();
            const qint64 tb = model.data(model.index(row, 0), SortRole).toLongLong();
            QVERIFY(descending ? ta >= tb : ta <= tb);
        }
    }
}

void TestEventTableModel::headerClickRequeriesOrder()
{
    EventsPanel panel;
    panel.resize(1200, 600);
    panel.show();
    QString error;
    QVERIFY(panel.openCase(m_small, &error));
    QVERIFY(settle(*panel.model()));
    QCOMPARE(panel.model()->query().sortColumn, EventColumn::Time);
    QHeaderView *header = panel.view()->horizontalHeader();
    const int userSection = static_cast<int>(EventColumn::User);
    QSignalSpy started(panel.model(), &EventTableModel::queryStarted);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                      QPoint(header->sectionViewportPosition(userSection) + 10, header->height() / 2));
    QCOMPARE(started.count(), 1);
    QVERIFY(settle(*panel.model()));
    QCOMPARE(panel.model()->query().sortColumn, EventColumn::User);
    const QString first = panel.model()->data(panel.model()->index(0, userSection)).toString();
    const QString last = panel.model()->data(panel.model()->index(kSmallCase - 1, userSection)).toString();
    QVERIFY(first < last);
}

void TestEventTableModel::filterBarDrivesTheTable()
{
    EventsPanel panel;
    panel.resize(1400, 600);
    panel.show();
    QString error;
    QVERIFY(panel.openCase(m_small, &error));
    QVERIFY(settle(*panel.model()));
    QLineEdit *user = nullptr;
    for (QLineEdit *e : panel.filterBar()->findChildren<QLineEdit *>()) {
        if (e->placeholderText() == QLatin1String("User"))
            user = e;
    }
    QVERIFY(user);
    QSignalSpy finished(panel.model(), &EventTableModel::queryFinished);
    QTest::keyClicks(user, QStringLiteral("User09@Contoso.com"));
    // Typing settles before one query runs, not one per key.
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(modelIds(*panel.model()), cliIds(m_small, {QStringLiteral("--user"), QStringLiteral("user09@contoso.com")}));
    panel.filterBar()->clearFilters();
    QVERIFY(settle(*panel.model()));
    QCOMPARE(panel.model()->rowCount(), kSmallCase);
}

void TestEventTableModel::invalidFieldsAreMarkedNotMatched()
{
    EventFilterBar bar;
    auto edits = bar.findChildren<QLineEdit *>();
    QLineEdit *ip = nullptr;
    QLineEdit *from = nullptr;
    for (QLineEdit *e : edits) {
        if (e->placeholderText() == QLatin1String("IP address"))
            ip = e;
        if (e->placeholderText() == QLatin1String("From (UTC)"))
            from = e;
    }
    QVERIFY(ip && from);
    QSignalSpy changed(&bar, &EventFilterBar::changed);
    ip->setText(QStringLiteral("not-an-address"));
    from->setText(QStringLiteral("yesterday-ish"));
    emit ip->returnPressed();
    QCOMPARE(bar.invalidFields(), (QStringList{QStringLiteral("IP address"), QStringLiteral("From (UTC)")}));
    QVERIFY(bar.query().ip.empty());
    QCOMPARE(bar.query().fromMs, kNoTime);
    ip->setText(QStringLiteral(" [2001:DB8::1]:443 "));
    from->setText(QStringLiteral("2024-03-12"));
    emit ip->returnPressed();
    QVERIFY(bar.invalidFields().isEmpty());
    QCOMPARE(bar.query().ip, std::string("2001:db8::1"));
    QCOMPARE(bar.query().fromMs, test::kSyntheticStartMs - 8 * 3600000);
}

void TestEventTableModel::copiesSelectedRowsAsTabSeparatedText()
{
    EventsPanel panel;
    panel.resize(1400, 600);
    panel.show();
    QString error;
    QVERIFY(panel.openCase(m_small, &error));
    QVERIFY(settle(*panel.model()));
    QHeaderView *header = panel.view()->horizontalHeader();
    header->setSectionHidden(static_cast<int>(EventColumn::City), true);
    panel.view()->selectRow(2);
    panel.view()->selectionModel()->select(panel.model()->index(5, 0),
                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
    panel.view()->setFocus();
    QTest::keySequence(panel.view(), QKeySequence::Copy);
    const QString text = QApplication::clipboard()->text();
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    const QStringList titles = lines[0].split(QLatin1Char('\t'));
    QVERIFY(titles.contains(QStringLiteral("User")));
    QVERIFY(!titles.contains(QStringLiteral("City")));
    QVERIFY(!titles.contains(QStringLiteral("Kind"))); // hidden by default
    const QStringList row = lines[1].split(QLatin1Char('\t'));
    QCOMPARE(row.size(), titles.size());
    const qint64 id = panel.model()->eventId(2);
    CaseStore store;
    QVERIFY(store.open(m_small.toStdString(), false, nullptr));
    const auto e = store.event(id);
    QVERIFY(e);
    QCOMPARE(row[titles.indexOf(QStringLiteral("User"))].toStdString(), e->event.user);
    QCOMPARE(row[titles.indexOf(QStringLiteral("Time (UTC)"))].toStdString(), formatIso(e->event.timeMs));
}

void TestEventTableModel::columnChoicesAreRemembered()
{
    QByteArray state;
    {
        EventsPanel panel;
        QHeaderView *header = panel.view()->horizontalHeader();
        header->setSectionHidden(static_cast<int>(EventColumn::Country), true);
        header->setSectionHidden(static_cast<int>(EventColumn::App), false);
        header->moveSection(header->visualIndex(static_cast<int>(EventColumn::Operation)), 1);
        header->resizeSection(static_cast<int>(EventColumn::User), 333);
        state = panel.saveHeaderState();
    }
    EventsPanel panel;
    QVERIFY(panel.restoreHeaderState(state));
    QHeaderView *header = panel.view()->horizontalHeader();
    QVERIFY(header->isSectionHidden(static_cast<int>(EventColumn::Country)));
    QVERIFY(!header->isSectionHidden(static_cast<int>(EventColumn::App)));
    QCOMPARE(header->visualIndex(static_cast<int>(EventColumn::Operation)), 1);
    QCOMPARE(header->sectionSize(static_cast<int>(EventColumn::User)), 333);
    panel.resetColumns();
    QVERIFY(!header->isSectionHidden(static_cast<int>(EventColumn::Country)));
    QCOMPARE(header->visualIndex(static_cast<int>(EventColumn::Operation)), static_cast<int>(EventColumn::Operation));
}

void TestEventTableModel::selectionSurvivesFilterChange()
{
    EventsPanel panel;
    panel.resize(1400, 600);
    panel.show();
    QString error;
    QVERIFY(panel.openCase(m_small, &error));
    QVERIFY(settle(*panel.model()));
    QSignalSpy selected(&panel, &EventsPanel::eventSelected);
    const int row = 700;
    const qint64 id = panel.model()->eventId(row);
    QVERIFY(panel.selectEvent(id));
    QCOMPARE(selected.last().at(0).toLongLong(), id);
    const QString user = panel.model()->data(panel.model()->index(row, static_cast<int>(EventColumn::User))).toString();
    EventQuery q;
    q.user = user.toStdString();
    panel.filterBar()->setQuery(q);
    QVERIFY(settle(*panel.model()));
    QCOMPARE(panel.currentEventId(), id);
    QVERIFY(panel.model()->rowCount() < kSmallCase);
}

void TestEventTableModel::indexAnswersLikeSql()
{
    EventTableModel indexed;
    indexed.setIndexThreshold(0);
    EventTableModel sql;
    sql.setIndexThreshold(std::numeric_limits<std::int64_t>::max());
    QSignalSpy ready(&indexed, &EventTableModel::indexReady);
    QString error;
    QVERIFY(indexed.openCase(m_big, &error));
    QVERIFY(sql.openCase(m_big, &error));
    QVERIFY(ready.wait(30000));
    QCOMPARE(ready.first().at(0).toLongLong(), kBigCase);
    QVERIFY(settle(indexed) && settle(sql));
    std::vector<EventQuery> queries(6);
    queries[0].text = "evil.example";
    queries[1].country = "nl";
    queries[1].result = ResultFilter::Failure;
    queries[2].sortColumn = EventColumn::Country;
    queries[2].descending = true;
    queries[3].text = "firefox/11";
    queries[3].sortColumn = EventColumn::Details;
    queries[4].fromMs = test::kSyntheticStartMs + 3600000;
    queries[4].kinds = {EventKind::Audit};
    queries[4].sortColumn = EventColumn::Result;
    queries[5].user = "user02@contoso.com";
    queries[5].sortColumn = EventColumn::Operation;
    for (const EventQuery &q : queries) {
        indexed.setQuery(q);
        sql.setQuery(q);
        QVERIFY(settle(indexed) && settle(sql));
        QVERIFY(indexed.lastQueryUsedIndex());
        QVERIFY(!sql.lastQueryUsedIndex());
        QVERIFY(indexed.rowCount() > 0);
        QCOMPARE(modelIds(indexed), modelIds(sql));
    }
}

void TestEventTableModel::staleIndexIsNotUsed()
{
    const QString path = m_dir->filePath(QStringLiteral("growing.mpcase"));
    std::string error;
    QVERIFY(test::writeSyntheticCase(path.toStdString(), 2000, &error));
    EventTableModel model;
    model.setIndexThreshold(0);
    QSignalSpy ready(&model, &EventTableModel::indexReady);
    QString message;
    QVERIFY(model.openCase(path, &message));
    QVERIFY(ready.wait(30000));
    QVERIFY(settle(model));

    // Another file imported behind the model's back (as the import runner does).
    {
        CaseStore store;
        QVERIFY(store.open(path.toStdString(), false, &error));
        const std::string text = "{\"late\":true}\n";
        SourceFile source;
        source.name = "late.jsonl";
        source.sha256 = std::string(64, 'b');
        source.format = "synthetic-jsonl";
        source.size = static_cast<std::int64_t>(text.size());
        QVERIFY(store.beginImport(source, text, &error));
        Event e = test::syntheticEvent(999999, 1000000);
        e.recordId = "late-1";
        e.sourceId = source.id;
        e.subject = "late arrival";
        e.line = 1;
        e.rawLength = text.size() - 1;
        QCOMPARE(store.insertEvent(e), CaseStore::InsertResult::Inserted);
        source.imported = source.recordsRead = 1;
        QVERIFY(store.finishImport(source, &error));
    }
    EventQuery q;
    q.text = "late arrival";
    model.setQuery(q);
    QVERIFY(settle(model));
    QVERIFY(!model.lastQueryUsedIndex());
    QCOMPARE(model.rowCount(), 1);

    ready.clear();
    model.refresh();
    QVERIFY(ready.wait(30000));
    QVERIFY(settle(model));
    model.setQuery({});
    QVERIFY(settle(model));
    model.setQuery(q);
    QVERIFY(settle(model));
    QVERIFY(model.lastQueryUsedIndex());
    QCOMPARE(model.rowCount(), 1);
}

QTEST_MAIN(TestEventTableModel)
#include "tst_eventtablemodel.moc"
