// The investigation graph on the simulator's two-victim business-email-compromise story (through
// the real readers and the default detectors), and on small hand-made cases: campaigns joined
// through attacker-side entities only, hubs recognised from the data, GraphML that parses and
// round-trips, neighbourhoods, explanation paths and a deterministic layout.
#include "cli/cli.h"
#include "detect/engine.h"
#include "graph/graphanalysis.h"
#include "graph/graphbuilder.h"
#include "graph/graphexport.h"
#include "graph/graphlayout.h"
#include "ingest/importer.h"
#include "simulate/simulator.h"
#include "store/casestore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

using namespace mp;

namespace {

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

int runCli(const std::vector<std::string> &args, std::string *out)
{
    std::ostringstream o, e;
    const int code = cli::run(args, o, e);
    *out = o.str() + e.str();
    return code;
}

// One campaign link of the ground truth: an entity and whether it must tie the victims.
struct Link
{
    std::string type;
    std::string value;
    bool links = true;
};

Event signIn(const std::string &user, const std::string &ip, std::int64_t timeMs, bool success,
             const std::string &country = "US", std::uint32_t asn = 64500)
{
    Event e;
    e.kind = EventKind::SignIn;
    e.timeMs = timeMs;
    e.recordId = user + ip + std::to_string(timeMs) + (success ? "s" : "f");
    e.user = user;
    e.ip = ip;
    e.operation = "SignIn";
    e.app = "Outlook";
    e.resultCode = success ? 0 : 50126;
    e.country = country;
    e.asn = asn;
    e.asOrg = "Example Net " + std::to_string(asn);
    return e;
}

bool writeCase(CaseStore &store, const QString &path, std::vector<Event> events)
{
    std::string error;
    if (!store.open(path.toStdString(), true, &error))
        return false;
    SourceFile source;
    source.name = "hand-made";
    source.sha256 = std::string(64, 'c');
    source.format = "test";
    if (!store.beginImport(source, {}, &error))
        return false;
    for (Event &e : events) {
        e.sourceId = source.id;
        if (store.insertEvent(e) != CaseStore::InsertResult::Inserted)
            return false;
    }
    source.recordsRead = source.imported = static_cast<std::int64_t>(events.size());
    return store.finishImport(source, &error);
}

} // namespace

class TestGraph : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void campaignsOnTwoVictimStory();
    void campaignsCommand();
    void relatedCampaignsAreCapped();
    void hubsFromData();
    void edgesSplitSuccessAndFailure();
    void graphMlParsesAndRoundTrips();
    void graphMlEscapesHostileText();
    void jsonExportAndNeighbourhoodCommand();
    void neighbourhoodStopsAtHubs();
    void explanationPath();
    void layoutIsDeterministic();

private:
    QTemporaryDir m_dir;
    QString m_case;
    std::vector<std::string> m_victims;
    std::vector<Link> m_links;
    InvestigationGraph m_graph;
    std::vector<Campaign> m_campaigns;
};

void TestGraph::initTestCase()
{
    QVERIFY(m_dir.isValid());
    sim::SimulateOptions options;
    options.outDir = m_dir.filePath(QStringLiteral("out")).toStdString();
    options.scenario = "bec-two-victims";
    options.seed = 1;
    const sim::SimulateResult simulated = sim::simulate(options);
    QVERIFY2(simulated.ok, simulated.error.c_str());

    m_case = m_dir.filePath(QStringLiteral("bec.mpcase"));
    CaseStore store;
    std::string error;
    QVERIFY2(store.open(m_case.toStdString(), true, &error), error.c_str());
    std::vector<std::string> files;
    for (const char *f : {"signins.json", "audit.csv", "messagetrace.csv"})
        files.push_back(m_dir.filePath(QStringLiteral("out/") + QLatin1String(f)).toStdString());
    const ImportReport report = importFiles(store, files, {});
    for (const FileReport &f : report.files)
        QVERIFY2(f.status == FileReport::Status::Imported, f.error.c_str());
    const auto tuning = Tuning::load(m_dir.filePath(QStringLiteral("out/tuning.json")).toStdString(), &error);
    QVERIFY2(tuning, error.c_str());
    DetectionOptions detectOptions;
    detectOptions.tuning = *tuning;
    const DetectionResult detected = detectAndStore(store, detectOptions);
    QVERIFY2(detected.ok, detected.error.c_str());

    const QJsonObject truth = readJson(m_dir.filePath(QStringLiteral("out/ground-truth.json")));
    const QJsonArray links = truth.value(QLatin1String("campaign_links")).isArray()
        ? truth.value(QLatin1String("campaign_links")).toArray()
        : truth.value(QLatin1String("links")).toArray();
    QVERIFY2(!links.isEmpty(), "the ground truth lists the campaign's links");
    for (const QJsonValue v : links) {
        const QJsonObject o = v.toObject();
        Link link;
        link.type = o.value(QLatin1String("type")).toString().toStdString();
        if (link.type.empty())
            link.type = o.value(QLatin1String("kind")).toString().toStdString();
        link.value = o.value(QLatin1String("value")).toString().toStdString();
        link.links = o.value(QLatin1String("links")).toBool(true);
        for (const QJsonValue u : o.value(QLatin1String("users")).toArray()) {
            const std::string user = u.toString().toStdString();
            if (std::find(m_victims.begin(), m_victims.end(), user) == m_victims.end())
                m_victims.push_back(user);
        }
        m_links.push_back(link);
    }
    QCOMPARE(m_victims.size(), std::size_t{2});

    QVERIFY2(buildGraph(store.database(), m_graph, GraphOptions{}, &error), error.c_str());
    m_campaigns = analyseCampaigns(m_graph);
}

void TestGraph::campaignsOnTwoVictimStory()
{
    // Both victims in one campaign.
    const int dana = m_graph.find(InvestigationGraph::makeKey(NodeType::User, m_victims[0]));
    const int omar = m_graph.find(InvestigationGraph::makeKey(NodeType::User, m_victims[1]));
    QVERIFY(dana >= 0 && omar >= 0);
    const int campaign = m_graph.nodes[static_cast<std::size_t>(dana)].campaign;
    QVERIFY2(campaign >= 0, "the first victim is in a campaign");
    QCOMPARE(m_graph.nodes[static_cast<std::size_t>(omar)].campaign, campaign);
    const Campaign &c = m_campaigns[static_cast<std::size_t>(campaign)];
    QCOMPARE(c.users.size(), std::size_t{2});
    QVERIFY(c.findings.size() >= 8); // four detectors per victim

    int checkedTies = 0, checkedHubs = 0, checkedSenders = 0;
    for (const Link &link : m_links) {
        NodeType type;
        if (link.type == "ip")
            type = NodeType::Ip;
        else if (link.type == "forwarding_address")
            type = NodeType::Address;
        else if (link.type == "country")
            type = NodeType::Country;
        else if (link.type == "sender") {
            // The lure's sender: an outside address tied to both victims by the mail it sent
            // them (message trace), not a hub.
            const int sender = m_graph.find(InvestigationGraph::makeKey(NodeType::Address, link.value));
            QVERIFY2(sender >= 0, link.value.c_str());
            QVERIFY(!m_graph.nodes[static_cast<std::size_t>(sender)].hub);
            for (int victim : {dana, omar}) {
                const auto it = std::find_if(m_graph.edges.begin(), m_graph.edges.end(), [&](const GraphEdge &e) {
                    return e.type == EdgeType::SentMailTo && e.from == static_cast<std::uint32_t>(sender)
                        && e.to == static_cast<std::uint32_t>(victim);
                });
                QVERIFY2(it != m_graph.edges.end(), link.value.c_str());
                QVERIFY(it->count >= 1 && it->firstMs != kNoTime && it->firstMs <= it->lastMs);
            }
            QVERIFY(m_graph.nodes[static_cast<std::size_t>(sender)].users >= 2);
            // Attached to the campaign for context; it joins nothing.
            QCOMPARE(m_graph.nodes[static_cast<std::size_t>(sender)].campaign, campaign);
            QVERIFY(!std::binary_search(c.entities.begin(), c.entities.end(), static_cast<std::uint32_t>(sender)));
            QCOMPARE(std::string(edgeTypeName(EdgeType::SentMailTo)), std::string("sent-mail-to"));
            ++checkedSenders;
            continue;
        } else
            continue;
        const int node = m_graph.find(InvestigationGraph::makeKey(type, link.value));
        QVERIFY2(node >= 0, link.value.c_str());
        const GraphNode &n = m_graph.nodes[static_cast<std::size_t>(node)];
        if (link.links) {
            // The attacker's IP and the forwarding address tie the campaign.
            QVERIFY2(std::binary_search(c.entities.begin(), c.entities.end(), static_cast<std::uint32_t>(node)),
                     link.value.c_str());
            QCOMPARE(n.campaign, campaign);
            QVERIFY(!n.hub);
            ++checkedTies;
        } else {
            // The office address and the home country: hubs, in no campaign.
            QVERIFY2(n.hub, link.value.c_str());
            QVERIFY2(n.campaign == -1, link.value.c_str());
            for (const Campaign &other : m_campaigns) {
                const std::vector<std::uint32_t> all = other.allNodes();
                QVERIFY2(!std::binary_search(all.begin(), all.end(), static_cast<std::uint32_t>(node)), link.value.c_str());
            }
            ++checkedHubs;
        }
    }
    QCOMPARE(checkedTies, 2);
    QCOMPARE(checkedHubs, 2);
    QCOMPARE(checkedSenders, 1);

    // No ordinary staff member is pulled in: the campaign's users are the two victims.
    for (std::uint32_t u : c.users)
        QVERIFY(static_cast<int>(u) == dana || static_cast<int>(u) == omar);
}

void TestGraph::campaignsCommand()
{
    std::string out;
    QCOMPARE(runCli({"campaigns", m_case.toStdString(), "--json"}, &out), 0);
    const QJsonObject doc = QJsonDocument::fromJson(QByteArray::fromStdString(out)).object();
    const QJsonArray campaigns = doc.value(QLatin1String("campaigns")).toArray();
    QVERIFY(!campaigns.isEmpty());
    // The first (largest) campaign holds both victims and the attacker's entities.
    const QJsonObject first = campaigns.first().toObject();
    QSet<QString> users, entities;
    for (const QJsonValue v : first.value(QLatin1String("users")).toArray())
        users.insert(v.toString());
    for (const QJsonValue v : first.value(QLatin1String("entities")).toArray())
        entities.insert(v.toString());
    for (const std::string &v : m_victims)
        QVERIFY(users.contains(QString::fromStdString(v)));
    for (const Link &link : m_links) {
        const QString key = QString::fromStdString((link.type == "ip" ? "ip:" : link.type == "country" ? "country:" : "address:")
                                                   + link.value);
        if (link.type != "ip" && link.type != "forwarding_address" && link.type != "country")
            continue;
        for (const QJsonValue c : campaigns) {
            QSet<QString> all;
            for (const char *field : {"entities", "attached"}) {
                for (const QJsonValue v : c.toObject().value(QLatin1String(field)).toArray())
                    all.insert(v.toString());
            }
            if (!link.links)
                QVERIFY2(!all.contains(key), qPrintable(key));
        }
        if (link.links)
            QVERIFY2(entities.contains(key), qPrintable(key));
    }
    // The attacker's IP is the top single-address pivot: it touches both flagged users.
    bool attackerPivot = false;
    for (const QJsonValue v : doc.value(QLatin1String("pivots")).toArray()) {
        const QJsonObject p = v.toObject();
        QVERIFY(!p.value(QLatin1String("hub")).toBool());
        for (const Link &link : m_links) {
            if (link.type == "ip" && link.links && p.value(QLatin1String("entity")).toString() == QString::fromStdString("ip:" + link.value))
                attackerPivot = p.value(QLatin1String("flagged_users")).toInt() == 2;
        }
    }
    QVERIFY(attackerPivot);

    // The text form names the campaign and the hubs, and a bad case is an error, not a crash.
    QCOMPARE(runCli({"campaigns", m_case.toStdString()}, &out), 0);
    QVERIFY(out.find("Campaign 1: 2 users") != std::string::npos);
    QVERIFY(out.find("Hubs (") != std::string::npos);
    QCOMPARE(runCli({"campaigns", m_dir.filePath(QStringLiteral("missing.mpcase")).toStdString()}, &out), 1);
    QCOMPARE(runCli({"campaigns"}, &out), 2);
}

void TestGraph::relatedCampaignsAreCapped()
{
    // 25 users, each with a risky sign-in from an address of their own in one network: 25
    // campaigns, each related to the 24 others through that network. 300 users at the office
    // keep the network from being a hub.
    std::vector<Event> events;
    std::int64_t t = 1760000000000;
    for (int u = 0; u < 300; ++u)
        events.push_back(signIn("staff" + std::to_string(u) + "@contoso.com", "192.0.2." + std::to_string(u % 50),
                                t += 1000, true));
    for (int u = 0; u < 25; ++u) {
        Event e = signIn("v" + std::to_string(u) + "@contoso.com", "198.18.0." + std::to_string(u + 1), t += 60000,
                         true, "NG", 64999);
        e.riskLevel = "medium";
        e.riskState = "atrisk";
        events.push_back(e);
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("related.mpcase"));
    {
        CaseStore store;
        QVERIFY(writeCase(store, path, events));
        DetectionRun run;
        detectAndStore(store, DetectionOptions{}, &run);
        InvestigationGraph g;
        std::string error;
        QVERIFY2(buildGraph(store.database(), g, GraphOptions{}, &error), error.c_str());
        QVERIFY(g.find("network:AS64999") >= 0 && !g.nodes[static_cast<std::size_t>(g.find("network:AS64999"))].hub);
        const std::vector<Campaign> campaigns = analyseCampaigns(g);
        QCOMPARE(campaigns.size(), std::size_t(25));
        for (const Campaign &c : campaigns) {
            QCOMPARE(c.relatedTotal, std::size_t(24));
            QCOMPARE(c.related.size(), kMaxRelatedCampaigns);
            QVERIFY(std::is_sorted(c.related.begin(), c.related.end()));
            QVERIFY(std::find(c.related.begin(), c.related.end(), c.id) == c.related.end());
        }
        // The first ones of the list, the largest: campaign 1 lists 2..21, campaign 2 lists 1, 3..21.
        QCOMPARE(campaigns[0].related.front(), 2);
        QCOMPARE(campaigns[0].related.back(), 21);
        QCOMPARE(campaigns[1].related.front(), 1);
        QCOMPARE(campaigns[1].related.back(), 21);
    }
    std::string out;
    QCOMPARE(runCli({"campaigns", path.toStdString(), "--json"}, &out), 0);
    const QJsonArray list = QJsonDocument::fromJson(QByteArray::fromStdString(out))
                                .object()
                                .value(QLatin1String("campaigns"))
                                .toArray();
    QCOMPARE(list.size(), 25);
    const QJsonObject first = list.first().toObject();
    QCOMPARE(first.value(QLatin1String("related_campaigns")).toArray().size(), 20);
    QCOMPARE(first.value(QLatin1String("related_campaigns_total")).toInt(), 24);
    QCOMPARE(runCli({"campaigns", path.toStdString()}, &out), 0);
    QVERIFY2(out.find("related    campaign 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 and 4 more")
                 != std::string::npos,
             out.c_str());
}

void TestGraph::hubsFromData()
{
    // Twelve users sign in from the office; a sprayer fails against all of them and gets into
    // one; two users are also seen at an attacker's address.
    std::vector<Event> events;
    std::int64_t t = 1760000000000;
    for (int u = 0; u < 12; ++u) {
        const std::string user = "u" + std::to_string(u) + "@contoso.com";
        events.push_back(signIn(user, "192.0.2.1", t += 1000, true));
        events.push_back(signIn(user, "198.51.100." + std::to_string(10 + u), t += 1000, true)); // home
        events.push_back(signIn(user, "203.0.113.66", t += 1000, false, "LT", 64999));
    }
    events.push_back(signIn("u3@contoso.com", "203.0.113.66", t += 1000, true, "LT", 64999));
    QTemporaryDir dir;
    CaseStore store;
    QVERIFY(writeCase(store, dir.filePath(QStringLiteral("hubs.mpcase")), events));
    InvestigationGraph g;
    std::string error;
    QVERIFY2(buildGraph(store.database(), g, GraphOptions{}, &error), error.c_str());
    QCOMPARE(g.tenantActiveUsers, 12u);
    const auto node = [&](const char *key) -> const GraphNode & { return g.nodes[static_cast<std::size_t>(g.find(key))]; };
    QVERIFY(g.find("ip:192.0.2.1") >= 0 && g.find("ip:203.0.113.66") >= 0);
    QVERIFY(node("ip:192.0.2.1").hub);       // every user's office
    QVERIFY(node("country:US").hub);         // every user's country
    QVERIFY(node("app:Outlook").hub);        // every user's client
    QVERIFY(!node("ip:203.0.113.66").hub);   // the sprayer touched all, but only one got in
    QCOMPARE(node("ip:203.0.113.66").users, 12u);
    QCOMPARE(node("ip:203.0.113.66").activeUsers, 1u);
    QVERIFY(!node("ip:198.51.100.10").hub);
    QVERIFY(!node("country:LT").hub);

    // A share too high to reach: nothing is a hub.
    GraphOptions strict;
    strict.hubShare = 1.5;
    QVERIFY(buildGraph(store.database(), g, strict, &error));
    QVERIFY(!g.nodes[static_cast<std::size_t>(g.find("ip:192.0.2.1"))].hub);
}

void TestGraph::edgesSplitSuccessAndFailure()
{
    const int dana = m_graph.find(InvestigationGraph::makeKey(NodeType::User, m_victims[0]));
    std::string attackerIp;
    for (const Link &l : m_links) {
        if (l.type == "ip" && l.links)
            attackerIp = l.value;
    }
    const int attacker = m_graph.find("ip:" + attackerIp);
    QVERIFY(dana >= 0 && attacker >= 0);
    bool signedIn = false, inNetwork = false, inCountry = false;
    for (const GraphEdge &e : m_graph.edges) {
        if (e.from == static_cast<std::uint32_t>(dana) && e.to == static_cast<std::uint32_t>(attacker)
            && e.type == EdgeType::SignedInFrom) {
            signedIn = true;
            QVERIFY(e.count >= 1);
            QVERIFY(e.firstMs != kNoTime && e.firstMs <= e.lastMs);
        }
        if (e.from == static_cast<std::uint32_t>(attacker) && e.type == EdgeType::IpInNetwork)
            inNetwork = m_graph.nodes[e.to].asn == 12876;
        if (e.from == static_cast<std::uint32_t>(attacker) && e.type == EdgeType::IpInCountry)
            inCountry = m_graph.nodes[e.to].key == "country:NL";
    }
    QVERIFY(signedIn);
    QVERIFY(inNetwork);
    QVERIFY(inCountry);
    // The rule that forwards, its change from the attacker's address, and the finding on it.
    const int address = m_graph.find("address:remittance.desk@evil.example");
    QVERIFY(address >= 0);
    QVERIFY(!m_graph.nodes[static_cast<std::size_t>(address)].findings.empty());
    bool forwardedByRule = false, changedFromAttacker = false;
    for (const GraphEdge &e : m_graph.edges) {
        if (e.type == EdgeType::Forwards && e.to == static_cast<std::uint32_t>(address))
            forwardedByRule = true;
        if (e.type == EdgeType::RuleChangedFrom && e.from == static_cast<std::uint32_t>(attacker))
            changedFromAttacker = true;
    }
    QVERIFY(forwardedByRule);
    QVERIFY(changedFromAttacker);
}

void TestGraph::graphMlParsesAndRoundTrips()
{
    const QString path = m_dir.filePath(QStringLiteral("whole.graphml"));
    std::string out;
    QCOMPARE(runCli({"graph", m_case.toStdString(), "--out", path.toStdString()}, &out), 0);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    QMap<QString, QString> nodeKeys, edgeKeys; // attr.name -> attr.type
    QSet<QString> keyIds;
    int nodes = 0, edges = 0, dataWithUnknownKey = 0;
    QSet<QString> nodeIds;
    int danglingEdges = 0;
    QStringList edgeEnds;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        const auto a = xml.attributes();
        if (xml.name() == QLatin1String("key")) {
            QVERIFY(!a.value(QLatin1String("attr.type")).isEmpty());
            keyIds.insert(a.value(QLatin1String("id")).toString());
            (a.value(QLatin1String("for")) == QLatin1String("node") ? nodeKeys : edgeKeys)
                .insert(a.value(QLatin1String("attr.name")).toString(), a.value(QLatin1String("attr.type")).toString());
        } else if (xml.name() == QLatin1String("node")) {
            ++nodes;
            nodeIds.insert(a.value(QLatin1String("id")).toString());
        } else if (xml.name() == QLatin1String("edge")) {
            ++edges;
            edgeEnds << a.value(QLatin1String("source")).toString() << a.value(QLatin1String("target")).toString();
        } else if (xml.name() == QLatin1String("data")) {
            if (!keyIds.contains(a.value(QLatin1String("key")).toString()))
                ++dataWithUnknownKey;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    for (const QString &end : edgeEnds) {
        if (!nodeIds.contains(end))
            ++danglingEdges;
    }
    QCOMPARE(danglingEdges, 0);
    QCOMPARE(dataWithUnknownKey, 0);
    QCOMPARE(nodes, static_cast<int>(m_graph.nodes.size()));
    QCOMPARE(edges, static_cast<int>(m_graph.edges.size()));
    QCOMPARE(nodeKeys.value(QStringLiteral("type")), QStringLiteral("string"));
    QCOMPARE(nodeKeys.value(QStringLiteral("hub")), QStringLiteral("boolean"));
    QCOMPARE(nodeKeys.value(QStringLiteral("users")), QStringLiteral("int"));
    QCOMPARE(edgeKeys.value(QStringLiteral("type")), QStringLiteral("string"));
    QCOMPARE(edgeKeys.value(QStringLiteral("count")), QStringLiteral("long"));
    QVERIFY(out.find(std::to_string(nodes) + " nodes") != std::string::npos);
}

void TestGraph::graphMlEscapesHostileText()
{
    // A rule name and a forwarding target made to break XML and terminals.
    Event rule;
    rule.kind = EventKind::Audit;
    rule.timeMs = 1760000000000;
    rule.recordId = "r1";
    rule.user = "victim@contoso.com";
    rule.ip = "203.0.113.9";
    rule.operation = "New-InboxRule";
    rule.ruleName = std::string("</data><x a=\"1\">&amp;'\x01\x1b[31m") + "\xff\xfe" + "\xe2\x82";
    rule.forwardTargets = "evil<&>@example.org";
    QTemporaryDir dir;
    CaseStore store;
    QVERIFY(writeCase(store, dir.filePath(QStringLiteral("hostile.mpcase")), {rule}));
    InvestigationGraph g;
    std::string error;
    QVERIFY(buildGraph(store.database(), g, GraphOptions{}, &error));
    const std::string xml = graphMl(g, wholeGraph(g));
    QXmlStreamReader reader(QByteArray::fromStdString(xml));
    QString ruleLabel;
    QString address;
    while (!reader.atEnd()) {
        if (reader.readNext() == QXmlStreamReader::StartElement && reader.name() == QLatin1String("data")) {
            const QString key = reader.attributes().value(QLatin1String("key")).toString();
            const QString text = reader.readElementText();
            if (key == QLatin1String("n_label") && text.startsWith(QLatin1String("</data>")))
                ruleLabel = text;
            if (key == QLatin1String("n_label") && text.startsWith(QLatin1String("evil")))
                address = text;
        }
    }
    QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
    QVERIFY(ruleLabel.startsWith(QStringLiteral("</data><x a=\"1\">&amp;'")));
    QVERIFY(ruleLabel.contains(QChar(0xFFFD)));      // control characters and broken UTF-8
    QVERIFY(!ruleLabel.contains(QChar(0x1b)));
    QCOMPARE(address, QStringLiteral("evil<&>@example.org"));
    // JSON too stays valid.
    QJsonParseError parse;
    QJsonDocument::fromJson(QByteArray::fromStdString(graphJson(g, wholeGraph(g))), &parse);
    QCOMPARE(parse.error, QJsonParseError::NoError);
}

void TestGraph::jsonExportAndNeighbourhoodCommand()
{
    std::string attackerIp;
    for (const Link &l : m_links) {
        if (l.type == "ip" && l.links)
            attackerIp = l.value;
    }
    const QString path = m_dir.filePath(QStringLiteral("around.json"));
    std::string out;
    QCOMPARE(runCli({"graph", m_case.toStdString(), "--out", path.toStdString(), "--around", attackerIp, "--hops", "1"},
                    &out),
             0);
    const QJsonObject doc = readJson(path);
    QSet<QString> ids;
    for (const QJsonValue v : doc.value(QLatin1String("nodes")).toArray())
        ids.insert(v.toObject().value(QLatin1String("id")).toString());
    QVERIFY(ids.contains(QString::fromStdString("ip:" + attackerIp)));
    for (const std::string &v : m_victims)
        QVERIFY(ids.contains(QString::fromStdString("user:" + v)));
    QVERIFY(ids.contains(QStringLiteral("country:NL")));
    QVERIFY(ids.contains(QStringLiteral("network:AS12876")));
    for (const QJsonValue v : doc.value(QLatin1String("edges")).toArray()) {
        QVERIFY(ids.contains(v.toObject().value(QLatin1String("source")).toString()));
        QVERIFY(ids.contains(v.toObject().value(QLatin1String("target")).toString()));
    }
    QCOMPARE(runCli({"graph", m_case.toStdString(), "--out", path.toStdString(), "--around", "ip:10.9.9.9"}, &out), 1);
    QCOMPARE(runCli({"graph", m_case.toStdString(), "--out", m_dir.filePath(QStringLiteral("x.txt")).toStdString()}, &out), 2);
    QCOMPARE(runCli({"graph", m_case.toStdString(), "--out", path.toStdString(), "--hops", "-3", "--around", attackerIp},
                    &out),
             2);
}

void TestGraph::neighbourhoodStopsAtHubs()
{
    const auto dana = static_cast<std::uint32_t>(m_graph.find("user:" + m_victims[0]));
    const int office = [&] {
        for (const Link &l : m_links) {
            if (l.type == "ip" && !l.links)
                return m_graph.find("ip:" + l.value);
        }
        return -1;
    }();
    QVERIFY(office >= 0);
    const Subgraph one = neighbourhood(m_graph, dana, 1);
    QVERIFY(one.contains(static_cast<std::uint32_t>(office))); // her office is next to her
    for (std::uint32_t n : one.nodes)
        QVERIFY(n == dana || m_graph.nodes[n].type != NodeType::User); // one hop: entities only
    // Two hops without walking through hubs: the other victim (through the attacker's address),
    // not the whole office.
    const Subgraph two = neighbourhood(m_graph, dana, 2);
    const auto omar = static_cast<std::uint32_t>(m_graph.find("user:" + m_victims[1]));
    QVERIFY(two.contains(omar));
    const auto users = std::count_if(two.nodes.begin(), two.nodes.end(),
                                     [&](std::uint32_t n) { return m_graph.nodes[n].type == NodeType::User; });
    const Subgraph throughHubs = neighbourhood(m_graph, dana, 2, true);
    const auto allUsers = std::count_if(throughHubs.nodes.begin(), throughHubs.nodes.end(),
                                        [&](std::uint32_t n) { return m_graph.nodes[n].type == NodeType::User; });
    QVERIFY(users < 6);
    QVERIFY(allUsers > 20);
    // Every edge of a subgraph joins two of its nodes.
    for (std::uint32_t e : two.edges)
        QVERIFY(two.contains(m_graph.edges[e].from) && two.contains(m_graph.edges[e].to));
    // A cap keeps the nearest.
    const Subgraph capped = neighbourhood(m_graph, dana, 2, true, 10);
    QCOMPARE(capped.nodes.size(), std::size_t{10});
    QVERIFY(capped.contains(dana));
}

void TestGraph::explanationPath()
{
    const auto dana = static_cast<std::uint32_t>(m_graph.find("user:" + m_victims[0]));
    const auto omar = static_cast<std::uint32_t>(m_graph.find("user:" + m_victims[1]));
    const std::vector<std::uint32_t> path = mp::explanationPath(m_graph, dana, omar);
    QVERIFY(path.size() >= 3);
    QCOMPARE(path.front(), dana);
    QCOMPARE(path.back(), omar);
    // The explanation goes through the attacker's entities, never through a hub.
    for (std::uint32_t n : path)
        QVERIFY2(!m_graph.nodes[n].hub, m_graph.nodes[n].key.c_str());
    QCOMPARE(path.size(), std::size_t{3}); // one shared attacker entity between them
    const int middle = m_graph.nodes[path[1]].campaign;
    QCOMPARE(middle, m_graph.nodes[dana].campaign);
    const Subgraph sub = pathSubgraph(m_graph, path);
    QCOMPARE(sub.edges.size(), std::size_t{2});

    // Through the command line, with the path printed.
    std::string out;
    QCOMPARE(runCli({"graph", m_case.toStdString(), "--out", m_dir.filePath(QStringLiteral("path.json")).toStdString(),
                     "--around", m_victims[0], "--to", m_victims[1]},
                    &out),
             0);
    QVERIFY(out.find("path: user " + m_victims[0]) != std::string::npos);

    // Two entities with nothing between them: no path.
    Event a = signIn("a@contoso.com", "192.0.2.1", 1760000000000, true, "", 0);
    Event b = signIn("b@contoso.com", "192.0.2.2", 1760000001000, true, "", 0);
    a.app.clear();
    b.app.clear();
    QTemporaryDir dir;
    CaseStore store;
    QVERIFY(writeCase(store, dir.filePath(QStringLiteral("apart.mpcase")), {a, b}));
    InvestigationGraph g;
    std::string error;
    QVERIFY(buildGraph(store.database(), g, GraphOptions{}, &error));
    QVERIFY(mp::explanationPath(g, static_cast<std::uint32_t>(g.find("user:a@contoso.com")),
                                static_cast<std::uint32_t>(g.find("user:b@contoso.com")))
                .empty());
}

void TestGraph::layoutIsDeterministic()
{
    const auto dana = static_cast<std::uint32_t>(m_graph.find("user:" + m_victims[0]));
    const Subgraph sub = neighbourhood(m_graph, dana, 3);
    QVERIFY(sub.nodes.size() > 20);
    const std::vector<LayoutPoint> a = layoutSubgraph(m_graph, sub);
    const std::vector<LayoutPoint> b = layoutSubgraph(m_graph, sub);
    QCOMPARE(a.size(), sub.nodes.size());
    double spread = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        QVERIFY(std::isfinite(a[i].x) && std::isfinite(a[i].y));
        QCOMPARE(a[i].x, b[i].x);
        QCOMPARE(a[i].y, b[i].y);
        spread = std::max(spread, std::hypot(a[i].x - a[0].x, a[i].y - a[0].y));
    }
    QVERIFY(spread > 100); // not collapsed onto one point
    LayoutOptions other;
    other.seed = 7;
    const std::vector<LayoutPoint> c = layoutSubgraph(m_graph, sub, other);
    bool differs = false;
    for (std::size_t i = 0; i < a.size(); ++i)
        differs = differs || a[i].x != c[i].x;
    QVERIFY(differs);
    // Tied entities end up nearer each other than entities picked at random.
    auto at = [&](std::uint32_t node) {
        return a[static_cast<std::size_t>(std::lower_bound(sub.nodes.begin(), sub.nodes.end(), node) - sub.nodes.begin())];
    };
    double tied = 0, all = 0;
    for (std::uint32_t e : sub.edges) {
        const LayoutPoint p = at(m_graph.edges[e].from), q = at(m_graph.edges[e].to);
        tied += std::hypot(p.x - q.x, p.y - q.y);
    }
    tied /= static_cast<double>(sub.edges.size());
    for (std::size_t i = 1; i < a.size(); ++i)
        all += std::hypot(a[i].x - a[i - 1].x, a[i].y - a[i - 1].y);
    all /= static_cast<double>(a.size() - 1);
    QVERIFY2(tied < all, qPrintable(QStringLiteral("%1 vs %2").arg(tied).arg(all)));
}

QTEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
