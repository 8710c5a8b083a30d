// A case written by an older Mailpivot opens in this one: its schema is migrated in place and its
// events keep what they said, with the token ids moved to the column that joins them.
#include "ingest/importer.h"
#include "store/casestore.h"
#include "store/database.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace mp;

namespace {

// tests/data/store/schema2-case.sql: `sqlite3 .dump` of a case written with schema 2 (before the
// token_id column) holding the Management Activity API and Graph sign-in golden inputs.
std::string schema2Dump()
{
    QFile f(QStringLiteral(MP_TEST_DATA "/store/schema2-case.sql"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("schema2-case.sql is missing");
    return f.readAll().toStdString();
}

std::map<std::string, Event> eventsByRecordId(CaseStore &store)
{
    std::map<std::string, Event> out;
    store.forEachEvent({}, [&](const StoredEvent &e) {
        out[e.event.recordId] = e.event;
        return true;
    });
    return out;
}

} // namespace

class TestMigration : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void schema2CaseMigratesToTokenIds();
    void migratedCaseKeepsImportingTheNewWay();

private:
    void writeSchema2Case();

    QTemporaryDir m_dir;
    std::string m_path;
};

void TestMigration::init()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("old.mpcase")).toStdString();
    QFile::remove(QString::fromStdString(m_path));
    writeSchema2Case();
}

void TestMigration::writeSchema2Case()
{
    Database db;
    QVERIFY(db.open(m_path, true));
    QVERIFY2(db.exec(schema2Dump()), db.errorMessage().c_str());
    Statement version(db, "PRAGMA user_version");
    QVERIFY(version.step());
    QCOMPARE(version.int64(0), 2);
}

void TestMigration::schema2CaseMigratesToTokenIds()
{
    CaseStore store;
    std::string error;
    QVERIFY2(store.open(m_path, false, &error), error.c_str());
    QCOMPARE(store.schemaVersion(), 3);
    QCOMPARE(CaseStore::kSchemaVersion, 3);
    QCOMPARE(store.eventCount(), 11);

    const auto events = eventsByRecordId(store);
    QCOMPARE(events.size(), std::size_t(11));
    // The audit record's UniqueTokenId was kept as its correlation id: it is a token id now.
    const Event &audit = events.at("e5b7a9c1-4f6b-4d0e-8a3c-5b7d9e1f3a05");
    QCOMPARE(audit.kind, EventKind::Audit);
    QCOMPARE(audit.tokenId, std::string("Zq9WmR2aXUeL4nT0kB1cAA"));
    QCOMPARE(audit.correlationId, std::string());
    QCOMPARE(audit.sessionId, std::string("f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"));
    // An audit record that had no token keeps having none.
    QCOMPARE(events.at("f6c8b0d2-5a7c-4e1f-9b4d-6c8e0f2a4b06").tokenId, std::string());
    // A sign-in's correlation id is a correlation id: it stays where it was.
    const Event &signIn = events.at("5e1c0a39-2f43-4c8e-9d0b-6a1f3c2e0101");
    QCOMPARE(signIn.kind, EventKind::SignIn);
    QCOMPARE(signIn.correlationId, std::string("c0a1e2d3-0001-4000-8000-000000000001"));
    QCOMPARE(signIn.tokenId, std::string());

    // Chain of custody survives: the original record is still there, token and all.
    std::int64_t auditId = 0;
    store.forEachEvent({}, [&](const StoredEvent &e) {
        if (e.event.recordId == audit.recordId)
            auditId = e.id;
        return auditId == 0;
    });
    const auto raw = store.rawRecord(auditId);
    QVERIFY(raw.has_value());
    QVERIFY(raw->find("\"UniqueTokenId\":\"Zq9WmR2aXUeL4nT0kB1cAA\"") != std::string::npos);

    // Opening again migrates nothing twice.
    store.close();
    QVERIFY2(store.open(m_path, false, &error), error.c_str());
    QCOMPARE(store.schemaVersion(), 3);
    QCOMPARE(eventsByRecordId(store).at("e5b7a9c1-4f6b-4d0e-8a3c-5b7d9e1f3a05").tokenId,
             std::string("Zq9WmR2aXUeL4nT0kB1cAA"));
}

void TestMigration::migratedCaseKeepsImportingTheNewWay()
{
    CaseStore store;
    std::string error;
    QVERIFY2(store.open(m_path, false, &error), error.c_str());
    ImportOptions options;
    // The files the old case was built from are recognised as already imported...
    const ImportReport again = importFiles(store, {MP_TEST_DATA "/ingest/audit-managementapi-jsonl-lines/input.jsonl"}, options);
    QCOMPARE(again.files.size(), std::size_t(1));
    QCOMPARE(again.files[0].status, FileReport::Status::AlreadyImported);
    QCOMPARE(store.eventCount(), 11);
    // ...and a new file lands with its token ids in the new column.
    const ImportReport fresh = importFiles(store, {MP_TEST_DATA "/ingest/audit-purview-csv-current/input.csv"}, options);
    QCOMPARE(fresh.files[0].status, FileReport::Status::Imported);
    const auto events = eventsByRecordId(store);
    const Event &read = events.at("9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c04");
    QCOMPARE(read.tokenId, std::string("kX3vRZ1mEUm0d8aQpL7sAA"));
    QCOMPARE(read.correlationId, std::string());
}

QTEST_GUILESS_MAIN(TestMigration)
#include "tst_migration.moc"
