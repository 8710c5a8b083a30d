// The events table's query: every filter gives the rows the CLI's filters (CaseStore::forEachEvent)
// or a plain scan of the events give, every sort column orders by its raw value with time and id
// breaking ties, a page of rows is read in the order asked, and the in-memory index answers
// exactly what SQL answers.
#include "store/eventindex.h"
#include "store/eventquery.h"
#include "syntheticcase.h"
#include "util/strings.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <tuple>
#include <memory>

using namespace mp;

Q_DECLARE_METATYPE(mp::EventQuery)
Q_DECLARE_METATYPE(mp::EventColumn)

namespace {

constexpr int kEvents = 3000;

bool contains(const std::string &haystack, const std::string &needle)
{
    return !needle.empty() && findI(haystack, needle) != std::string::npos;
}

} // namespace

class TestEventQuery : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void filtersMatchScan_data();
    void filtersMatchScan();
    void cliFiltersGiveCliRows_data();
    void cliFiltersGiveCliRows();
    void sortOrdersByRawValue_data();
    void sortOrdersByRawValue();
    void textIsBoundNotSpliced();
    void cancelledQueryReturnsNothing();
    void rowsComeInRequestedOrder();
    void outcome_data();
    void outcome();
    void distinctValues();
    void indexKnowsWhatItCovers();

private:
    std::vector<StoredEvent> all();
    std::unique_ptr<QTemporaryDir> m_dir;
    CaseStore m_store;
    std::unique_ptr<EventIndex> m_index;
};

void TestEventQuery::initTestCase()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const std::string path = m_dir->filePath(QStringLiteral("synthetic.mpcase")).toStdString();
    std::string error;
    QVERIFY2(test::writeSyntheticCase(path, kEvents, &error), error.c_str());
    QVERIFY2(m_store.open(path, false, &error), error.c_str());
    QCOMPARE(m_store.eventCount(), kEvents);
    m_index = EventIndex::build(m_store.database(), nullptr, &error);
    QVERIFY2(m_index, error.c_str());
    QCOMPARE(m_index->size(), std::size_t(kEvents));
}

std::vector<StoredEvent> TestEventQuery::all()
{
    std::vector<StoredEvent> events;
    m_store.forEachEvent({}, [&](const StoredEvent &e) {
        events.push_back(e);
        return true;
    });
    return events;
}

void TestEventQuery::filtersMatchScan_data()
{
    QTest::addColumn<EventQuery>("query");
    QTest::addColumn<std::function<bool(const Event &)>>("match");
    using Match = std::function<bool(const Event &)>;
    auto q = [](auto set) {
        EventQuery query;
        set(query);
        return query;
    };
    QTest::newRow("none") << EventQuery{} << Match([](const Event &) { return true; });
    QTest::newRow("user, any case") << q([](EventQuery &x) { x.user = "User05@Contoso.com"; })
                                    << Match([](const Event &e) { return e.user == "user05@contoso.com"; });
    QTest::newRow("ipv6") << q([](EventQuery &x) { x.ip = "2001:db8::1a"; })
                          << Match([](const Event &e) { return e.ip == "2001:db8::1a"; });
    QTest::newRow("operation, any case") << q([](EventQuery &x) { x.operation = "new-inboxrule"; })
                                         << Match([](const Event &e) { return e.operation == "New-InboxRule"; });
    QTest::newRow("country") << q([](EventQuery &x) { x.country = "nl"; })
                             << Match([](const Event &e) { return e.country == "NL"; });
    QTest::newRow("success") << q([](EventQuery &x) { x.result = ResultFilter::Success; })
                             << Match([](const Event &e) {
                                    return eventOutcome(e.resultCode, e.resultStatus) == EventOutcome::Success;
                                });
    QTest::newRow("failure") << q([](EventQuery &x) { x.result = ResultFilter::Failure; })
                             << Match([](const Event &e) {
                                    return eventOutcome(e.resultCode, e.resultStatus) == EventOutcome::Failure;
                                });
    const std::int64_t from = test::kSyntheticStartMs + 100 * 60000;
    const std::int64_t to = test::kSyntheticStartMs + 400 * 60000;
    QTest::newRow("time range") << q([=](EventQuery &x) {
        x.fromMs = from;
        x.toMs = to;
    }) << Match([=](const Event &e) { return e.timeMs >= from && e.timeMs < to; });
    QTest::newRow("kinds") << q([](EventQuery &x) { x.kinds = {EventKind::Message, EventKind::SignIn}; })
                           << Match([](const Event &e) { return e.kind == EventKind::Message || e.kind == EventKind::SignIn; });
    for (const char *needle : {"EVIL.example", "invoice 12", "firefox/101", "203.0.113.5", "rule1", "signin"}) {
        const std::string n = needle;
        QTest::newRow(qPrintable(QStringLiteral("text %1").arg(QString::fromUtf8(needle))))
            << q([&](EventQuery &x) { x.text = n; }) << Match([n](const Event &e) {
                   return contains(e.user, n) || contains(e.ip, n) || contains(e.operation, n) || contains(e.subject, n)
                          || contains(e.ruleName, n) || contains(e.forwardTargets, n) || contains(e.userAgent, n);
               });
    }
    QTest::newRow("user and failure and text") << q([](EventQuery &x) {
        x.user = "user07@contoso.com";
        x.result = ResultFilter::Failure;
        x.text = "firefox";
    }) << Match([](const Event &e) {
        return e.user == "user07@contoso.com" && eventOutcome(e.resultCode, e.resultStatus) == EventOutcome::Failure
               && contains(e.userAgent, "firefox");
    });
}

void TestEventQuery::filtersMatchScan()
{
    QFETCH(EventQuery, query);
    QFETCH(std::function<bool(const Event &)>, match);
    std::vector<std::int64_t> expected;
    for (const StoredEvent &e : all()) {
        if (match(e.event))
            expected.push_back(e.id);
    }
    const EventIdsResult result = queryEventIds(m_store.database(), query);
    QVERIFY2(result.error.empty(), result.error.c_str());
    QVERIFY(!expected.empty() || query.filters());
    QCOMPARE(result.ids, expected); // same rows, in time-then-id order
    QCOMPARE(m_index->query(query).ids, expected);
    // Every sort order, both directions: the index agrees with SQL row for row.
    for (int c = 0; c < kEventListColumnCount; ++c) {
        for (const bool descending : {false, true}) {
            EventQuery sorted = query;
            sorted.sortColumn = static_cast<EventColumn>(c);
            sorted.descending = descending;
            if (m_index->query(sorted).ids != queryEventIds(m_store.database(), sorted).ids)
                QFAIL(qPrintable(QStringLiteral("index and SQL differ sorting by column %1%2").arg(c).arg(descending ? QStringLiteral(" desc") : QString())));
        }
    }
}

void TestEventQuery::cliFiltersGiveCliRows_data()
{
    QTest::addColumn<EventQuery>("query");
    QTest::addColumn<EventFilter>("filter");
    EventQuery q;
    EventFilter f;
    q.user = f.user = "user11@contoso.com";
    QTest::newRow("user") << q << f;
    q = {};
    f = {};
    q.ip = f.ip = "203.0.113.17";
    QTest::newRow("ip") << q << f;
    q = {};
    f = {};
    q.operation = f.operation = "Send";
    q.fromMs = f.fromMs = test::kSyntheticStartMs + 3600000;
    q.toMs = f.toMs = test::kSyntheticStartMs + 9 * 3600000;
    QTest::newRow("operation and time") << q << f;
}

void TestEventQuery::cliFiltersGiveCliRows()
{
    QFETCH(EventQuery, query);
    QFETCH(EventFilter, filter);
    std::vector<std::int64_t> expected;
    m_store.forEachEvent(filter, [&](const StoredEvent &e) {
        expected.push_back(e.id);
        return true;
    });
    QVERIFY(!expected.empty());
    QCOMPARE(queryEventIds(m_store.database(), query).ids, expected);
    QCOMPARE(m_index->query(query).ids, expected);
}

void TestEventQuery::sortOrdersByRawValue_data()
{
    QTest::addColumn<EventColumn>("column");
    QTest::addColumn<bool>("descending");
    for (int c = 0; c < kEventListColumnCount; ++c) {
        for (const bool descending : {false, true}) {
            QTest::newRow(qPrintable(QStringLiteral("column %1 %2").arg(c).arg(descending ? QStringLiteral("desc") : QStringLiteral("asc"))))
                << static_cast<EventColumn>(c) << descending;
        }
    }
}

void TestEventQuery::sortOrdersByRawValue()
{
    QFETCH(EventColumn, column);
    QFETCH(bool, descending);
    EventQuery query;
    query.sortColumn = column;
    query.descending = descending;
    const std::vector<std::int64_t> ids = queryEventIds(m_store.database(), query).ids;
    QCOMPARE(ids.size(), std::size_t(kEvents));
    QCOMPARE(m_index->query(query).ids, ids);

    // The key as SQLite compares it: NULL (stored for empty text and unknown numbers) first,
    // text byte by byte, operation without letter case.
    // One (present, number, text) term per ORDER BY term, compared in order.
    using Key = std::vector<std::tuple<bool, std::int64_t, std::string>>;
    auto keyOf = [&](const EventRow &r) {
        Key k;
        auto text = [&](const std::string &s) { k.emplace_back(!s.empty(), 0, s); };
        auto number = [&](bool present, std::int64_t v) { k.emplace_back(present, present ? v : 0, std::string()); };
        switch (column) {
        case EventColumn::Time:
            break;
        case EventColumn::Kind:
            number(true, static_cast<int>(r.kind));
            break;
        case EventColumn::User:
            text(r.user);
            break;
        case EventColumn::Ip:
            text(r.ip);
            break;
        case EventColumn::Country:
            text(r.country);
            break;
        case EventColumn::City:
            text(r.city);
            break;
        case EventColumn::AsOrg:
            number(r.asn != 0, r.asn);
            break;
        case EventColumn::Operation:
            text(toLowerAscii(r.operation));
            break;
        case EventColumn::Result:
            number(r.resultCode != kNoResult, r.resultCode);
            text(r.resultStatus);
            break;
        case EventColumn::App:
            text(r.app);
            break;
        case EventColumn::ClientApp:
            text(r.clientApp);
            break;
        case EventColumn::Details: {
            std::string first;
            for (const std::string *s : {&r.ruleName, &r.forwardTargets, &r.subject, &r.recipients}) {
                if (first.empty())
                    first = *s;
            }
            text(first);
            break;
        }
        }
        number(r.timeMs != kNoTime, r.timeMs);
        number(true, r.id);
        return k;
    };
    const std::vector<EventRow> rows = readEventRows(m_store.database(), ids);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const Key a = keyOf(rows[i - 1]);
        const Key b = keyOf(rows[i]);
        if (descending ? !(b < a) : !(a < b))
            QFAIL(qPrintable(QStringLiteral("rows %1 and %2 (events %3, %4) out of order")
                                 .arg(i - 1)
                                 .arg(i)
                                 .arg(rows[i - 1].id)
                                 .arg(rows[i].id)));
    }
}

void TestEventQuery::textIsBoundNotSpliced()
{
    // Wildcards and quotes in the search text are matched literally.
    EventQuery query;
    query.text = "100%";
    const auto percent = queryEventIds(m_store.database(), query);
    QVERIFY(percent.error.empty());
    QVERIFY(!percent.ids.empty());
    for (const EventRow &r : readEventRows(m_store.database(), percent.ids))
        QVERIFY(r.subject.find("100%") != std::string::npos);
    query.text = "_";
    QVERIFY(queryEventIds(m_store.database(), query).ids.empty());
    query.text = "' OR 1=1 --";
    const auto injection = queryEventIds(m_store.database(), query);
    QVERIFY(injection.error.empty());
    QVERIFY(injection.ids.empty());
    query = {};
    query.user = "x' OR '1'='1";
    QVERIFY(queryEventIds(m_store.database(), query).ids.empty());
}

void TestEventQuery::cancelledQueryReturnsNothing()
{
    std::atomic_bool cancel{true};
    EventQuery query;
    query.text = "firefox";
    const EventIdsResult result = queryEventIds(m_store.database(), query, &cancel);
    QVERIFY(result.cancelled);
    QVERIFY(result.ids.empty());
    QVERIFY(result.error.empty());
    QVERIFY(m_index->query(query, &cancel).cancelled);
    std::string error;
    QVERIFY(!EventIndex::build(m_store.database(), &cancel, &error));
    // The connection is usable afterwards.
    cancel = false;
    QCOMPARE(queryEventIds(m_store.database(), query, &cancel).cancelled, false);
    QVERIFY(!queryEventIds(m_store.database(), query, &cancel).ids.empty());
}

void TestEventQuery::rowsComeInRequestedOrder()
{
    const std::vector<std::int64_t> ids = {42, 7, 999999, 1, 42};
    const std::vector<EventRow> rows = readEventRows(m_store.database(), ids);
    QCOMPARE(rows.size(), ids.size());
    QCOMPARE(rows[0].id, 42);
    QCOMPARE(rows[1].id, 7);
    QCOMPARE(rows[2].id, 0); // no such event
    QCOMPARE(rows[3].id, 1);
    QCOMPARE(rows[4].id, 42);
    for (const EventRow &r : rows) {
        if (r.id == 0)
            continue;
        const auto stored = m_store.event(r.id);
        QVERIFY(stored);
        const Event &e = stored->event;
        QCOMPARE(r.timeMs, e.timeMs);
        QCOMPARE(r.user, e.user);
        QCOMPARE(r.ip, e.ip);
        QCOMPARE(r.operation, e.operation);
        QCOMPARE(r.country, e.country);
        QCOMPARE(r.city, e.city);
        QCOMPARE(r.asn, e.asn);
        QCOMPARE(r.asOrg, e.asOrg);
        QCOMPARE(r.resultCode, e.resultCode);
        QCOMPARE(r.resultStatus, e.resultStatus);
        QCOMPARE(r.userAgent, e.userAgent);
        QCOMPARE(r.line, e.line);
        QCOMPARE(r.sourceId, e.sourceId);
    }
}

void TestEventQuery::outcome_data()
{
    QTest::addColumn<qint64>("code");
    QTest::addColumn<QString>("status");
    QTest::addColumn<int>("expected");
    const qint64 none = kNoResult;
    QTest::newRow("code 0") << qint64(0) << QString() << int(EventOutcome::Success);
    QTest::newRow("code wins over status") << qint64(50126) << QStringLiteral("Success") << int(EventOutcome::Failure);
    QTest::newRow("Succeeded") << none << QStringLiteral("Succeeded") << int(EventOutcome::Success);
    QTest::newRow("True") << none << QStringLiteral("True") << int(EventOutcome::Success);
    QTest::newRow("failed") << none << QStringLiteral(" failed ") << int(EventOutcome::Failure);
    QTest::newRow("directory failure") << none << QStringLiteral("failure: user not found") << int(EventOutcome::Failure);
    QTest::newRow("partial") << none << QStringLiteral("PartiallySucceeded") << int(EventOutcome::Unknown);
    QTest::newRow("empty") << none << QString() << int(EventOutcome::Unknown);
}

void TestEventQuery::outcome()
{
    QFETCH(qint64, code);
    QFETCH(QString, status);
    QFETCH(int, expected);
    QCOMPARE(int(eventOutcome(code, status.toStdString())), expected);
}

void TestEventQuery::distinctValues()
{
    const auto users = distinctEventValues(m_store.database(), EventColumn::User);
    QCOMPARE(users.size(), std::size_t(37));
    QVERIFY(std::is_sorted(users.begin(), users.end()));
    const auto countries = distinctEventValues(m_store.database(), EventColumn::Country);
    QCOMPARE(countries, (std::vector<std::string>{"DE", "GB", "NL", "US"}));
    QVERIFY(distinctEventValues(m_store.database(), EventColumn::Time).empty());
}

void TestEventQuery::indexKnowsWhatItCovers()
{
    QCOMPARE(m_index->lastEventId(), EventIndex::currentLastEventId(m_store.database()));
    QVERIFY(m_index->memoryBytes() > std::size_t(kEvents) * 40);
    // Text with wildcards and quotes is literal in the index too.
    EventQuery query;
    query.text = "100%";
    QCOMPARE(m_index->query(query).ids, queryEventIds(m_store.database(), query).ids);
    query.text = "_";
    QVERIFY(m_index->query(query).ids.empty());
}

QTEST_GUILESS_MAIN(TestEventQuery)
#include "tst_eventquery.moc"
