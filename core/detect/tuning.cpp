#include "detect/tuning.h"

#include "util/jsonwriter.h"
#include "util/strings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace mp {

namespace {

void setError(std::string *error, std::string text)
{
    if (error)
        *error = std::move(text);
}

bool isV4Mapped(const IpBytes &b)
{
    for (int i = 0; i < 10; ++i) {
        if (b[i] != 0)
            return false;
    }
    return b[10] == 0xff && b[11] == 0xff;
}

bool readStringList(const QJsonObject &object, const char *key, std::vector<std::string> &out,
                    std::string *error)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isArray()) {
        setError(error, std::string(key) + ": expected a list of strings");
        return false;
    }
    for (const QJsonValue item : value.toArray()) {
        if (!item.isString()) {
            setError(error, std::string(key) + ": expected a list of strings");
            return false;
        }
        const std::string text(trim(item.toString().toStdString()));
        if (!text.empty())
            out.push_back(text);
    }
    return true;
}

bool readNumber(const QJsonObject &object, const char *key, double minimum, double &out, std::string *error)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isDouble() || !std::isfinite(value.toDouble()) || value.toDouble() < minimum) {
        setError(error, std::string(key) + ": expected a number of at least " + std::to_string(static_cast<int>(minimum)));
        return false;
    }
    out = value.toDouble();
    return true;
}

bool readInt(const QJsonObject &object, const char *key, int minimum, int &out, std::string *error)
{
    double d = out;
    if (!readNumber(object, key, minimum, d, error))
        return false;
    if (d != std::floor(d) || d > 1e9) {
        setError(error, std::string(key) + ": expected a whole number");
        return false;
    }
    out = static_cast<int>(d);
    return true;
}

void sortUnique(std::vector<std::string> &v)
{
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

// "network_classes": {"AS16509": "hosting", "64500": "vpn", "13335": "none"}.
bool readNetworkClasses(const QJsonObject &object, std::map<std::uint32_t, NetworkClass> &out, std::string *error)
{
    const QJsonValue value = object.value(QLatin1String("network_classes"));
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isObject()) {
        setError(error, "network_classes: expected an object of ASN to class");
        return false;
    }
    const QJsonObject classes = value.toObject();
    for (auto it = classes.begin(); it != classes.end(); ++it) {
        std::string key = it.key().trimmed().toStdString();
        if (key.size() > 2 && (key[0] == 'A' || key[0] == 'a') && (key[1] == 'S' || key[1] == 's'))
            key.erase(0, 2);
        std::uint32_t asn = 0;
        const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), asn);
        if (ec != std::errc() || ptr != key.data() + key.size() || asn == 0) {
            setError(error, "network_classes: '" + it.key().toStdString() + "' is not an ASN");
            return false;
        }
        const auto cls = it.value().isString() ? networkClassFromName(it.value().toString().toStdString()) : std::nullopt;
        if (!cls) {
            setError(error, "network_classes: AS" + std::to_string(asn)
                                + ": expected hosting, vpn, privacy-relay, satellite, mobile or none");
            return false;
        }
        out[asn] = *cls;
    }
    return true;
}

const char *const kKnownKeys[] = {
    "trusted_networks", "service_accounts", "admin_accounts", "tenant_domains",
    "bulk_send_threshold", "bulk_send_window_minutes", "travel_speed_kmh",
    "travel_min_distance_km", "lookback_hours", "incident_gap_hours", "network_classes", "spray_min_users", "spray_window_minutes",
    "brute_force_min_failures", "hijack_window_hours", "comment",
};

} // namespace

bool Cidr::contains(const IpBytes &address) const noexcept
{
    int bits = prefixLength;
    for (std::size_t i = 0; i < address.size() && bits > 0; ++i, bits -= 8) {
        const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
        if ((address[i] & mask) != (network[i] & mask))
            return false;
    }
    return true;
}

std::optional<Cidr> Cidr::parse(std::string_view text)
{
    text = trim(text);
    std::string_view address = text;
    int length = -1;
    if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
        address = text.substr(0, slash);
        const std::string_view bits = text.substr(slash + 1);
        const auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), length);
        if (ec != std::errc() || ptr != bits.data() + bits.size() || length < 0)
            return std::nullopt;
    }
    const std::string normalised = normalizeIp(address);
    if (normalised.empty())
        return std::nullopt;
    const auto bytes = ipToBytes(normalised);
    if (!bytes)
        return std::nullopt;
    Cidr cidr;
    cidr.network = *bytes;
    const bool v4 = isV4Mapped(*bytes);
    const int familyBits = v4 ? 32 : 128;
    if (length < 0)
        length = familyBits;
    if (length > familyBits)
        return std::nullopt;
    cidr.prefixLength = v4 ? 96 + length : length;
    // Clear host bits so that "10.1.2.3/8" means 10.0.0.0/8.
    int bits = cidr.prefixLength;
    for (auto &byte : cidr.network) {
        if (bits >= 8) {
            bits -= 8;
            continue;
        }
        byte = static_cast<std::uint8_t>(byte & (bits > 0 ? (0xff << (8 - bits)) : 0));
        bits = 0;
    }
    cidr.text = formatIp(cidr.network) + "/" + std::to_string(length);
    return cidr;
}

const Cidr *Tuning::trustedNetwork(std::string_view ip) const
{
    if (trustedNetworks.empty() || ip.empty())
        return nullptr;
    const auto bytes = ipToBytes(ip);
    if (!bytes)
        return nullptr;
    for (const Cidr &c : trustedNetworks) {
        if (c.contains(*bytes))
            return &c;
    }
    return nullptr;
}

bool Tuning::isServiceAccount(std::string_view user) const
{
    return std::any_of(serviceAccounts.begin(), serviceAccounts.end(),
                       [&](const std::string &a) { return iequals(a, user); });
}

bool Tuning::isAdminAccount(std::string_view user) const
{
    return std::any_of(adminAccounts.begin(), adminAccounts.end(),
                       [&](const std::string &a) { return iequals(a, user); });
}

std::string Tuning::canonicalJson() const
{
    JsonWriter w;
    auto list = [&](const char *key, const std::vector<std::string> &items) {
        w.key(key);
        w.beginArray();
        for (const std::string &item : items)
            w.value(item);
        w.endArray();
    };
    w.beginObject();
    list("admin_accounts", adminAccounts);
    w.key("brute_force_min_failures");
    w.value(bruteForceMinFailures);
    w.key("bulk_send_threshold");
    w.value(bulkSendThreshold);
    w.key("bulk_send_window_minutes");
    w.value(bulkSendWindowMinutes);
    w.key("hijack_window_hours");
    w.value(hijackWindowHours);
    w.key("incident_gap_hours");
    w.value(incidentGapHours);
    w.key("lookback_hours");
    w.value(lookbackHours);
    w.key("network_classes");
    w.beginObject();
    for (const auto &[asn, cls] : networkClasses) {
        w.key(std::to_string(asn));
        w.value(cls == NetworkClass::None ? "none" : networkClassName(cls));
    }
    w.endObject();
    list("service_accounts", serviceAccounts);
    w.key("spray_min_users");
    w.value(sprayMinUsers);
    w.key("spray_window_minutes");
    w.value(sprayWindowMinutes);
    list("tenant_domains", tenantDomains);
    w.key("travel_min_distance_km");
    w.value(travelMinDistanceKm);
    w.key("travel_speed_kmh");
    w.value(travelSpeedKmh);
    std::vector<std::string> networks;
    for (const Cidr &c : trustedNetworks)
        networks.push_back(c.text);
    list("trusted_networks", networks);
    w.endObject();
    return w.take();
}

std::optional<Tuning> Tuning::parse(std::string_view json, std::string *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json.data(), static_cast<qsizetype>(json.size())), &parseError);
    if (doc.isNull()) {
        setError(error, "not JSON: " + parseError.errorString().toStdString() + " at offset "
                            + std::to_string(parseError.offset));
        return std::nullopt;
    }
    if (!doc.isObject()) {
        setError(error, "expected a JSON object");
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const std::string key = it.key().toStdString();
        if (std::none_of(std::begin(kKnownKeys), std::end(kKnownKeys), [&](const char *k) { return key == k; })) {
            setError(error, "unknown setting '" + key + "' (see docs/tuning.md)");
            return std::nullopt;
        }
    }
    Tuning t;
    std::vector<std::string> networks;
    if (!readStringList(o, "trusted_networks", networks, error)
        || !readStringList(o, "service_accounts", t.serviceAccounts, error)
        || !readStringList(o, "admin_accounts", t.adminAccounts, error)
        || !readStringList(o, "tenant_domains", t.tenantDomains, error)
        || !readInt(o, "bulk_send_threshold", 1, t.bulkSendThreshold, error)
        || !readInt(o, "bulk_send_window_minutes", 1, t.bulkSendWindowMinutes, error)
        || !readNumber(o, "travel_speed_kmh", 1, t.travelSpeedKmh, error)
        || !readNumber(o, "travel_min_distance_km", 0, t.travelMinDistanceKm, error)
        || !readNumber(o, "incident_gap_hours", 0, t.incidentGapHours, error)
        || !readNetworkClasses(o, t.networkClasses, error)
        || !readNumber(o, "lookback_hours", 0, t.lookbackHours, error)
        || !readInt(o, "spray_min_users", 2, t.sprayMinUsers, error)
        || !readInt(o, "spray_window_minutes", 1, t.sprayWindowMinutes, error)
        || !readInt(o, "brute_force_min_failures", 2, t.bruteForceMinFailures, error)
        || !readNumber(o, "hijack_window_hours", 0, t.hijackWindowHours, error))
        return std::nullopt;
    for (const std::string &n : networks) {
        auto cidr = Cidr::parse(n);
        if (!cidr) {
            setError(error, "trusted_networks: '" + n + "' is not an address or CIDR range");
            return std::nullopt;
        }
        t.trustedNetworks.push_back(std::move(*cidr));
    }
    for (auto *list : {&t.serviceAccounts, &t.adminAccounts, &t.tenantDomains}) {
        for (std::string &s : *list)
            s = toLowerAscii(s);
        sortUnique(*list);
    }
    for (std::string &d : t.tenantDomains) {
        if (!d.empty() && d.front() == '@')
            d.erase(0, 1);
    }
    return t;
}

std::optional<Tuning> Tuning::load(const std::string &path, std::string *error)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, path + ": " + file.errorString().toStdString());
        return std::nullopt;
    }
    QByteArray bytes = file.readAll();
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    std::string why;
    auto t = parse(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), &why);
    if (!t)
        setError(error, path + ": " + why);
    return t;
}

std::string caseTuningPath(const std::string &casePath)
{
    const QFileInfo info(QString::fromStdString(casePath));
    const QString base = info.suffix().compare(QLatin1String("mpcase"), Qt::CaseInsensitive) == 0
                             ? info.completeBaseName()
                             : info.fileName();
    return info.dir().filePath(base + QStringLiteral(".tuning.json")).toStdString();
}

bool addTuningListEntry(const std::string &path, std::string_view key, const std::string &value,
                        std::string_view base, bool *added, std::string *error)
{
    if (added)
        *added = false;
    const QString qkey = QString::fromUtf8(key.data(), static_cast<qsizetype>(key.size()));
    if (std::none_of(std::begin(kKnownKeys), std::end(kKnownKeys), [&](const char *k) { return key == k; })) {
        setError(error, "unknown setting '" + std::string(key) + "'");
        return false;
    }
    QByteArray text;
    QFile existing(QString::fromStdString(path));
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            setError(error, path + ": " + existing.errorString().toStdString());
            return false;
        }
        text = existing.readAll();
        existing.close();
        if (text.startsWith("\xEF\xBB\xBF"))
            text.remove(0, 3);
    } else {
        text = QByteArray(base.data(), static_cast<qsizetype>(base.size()));
    }
    QJsonObject object;
    if (!text.trimmed().isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
        if (!doc.isObject()) {
            // Never overwrite a file the analyst has to fix by hand.
            setError(error, path + ": not a JSON object (" + parseError.errorString().toStdString() + "); fix it first");
            return false;
        }
        object = doc.object();
    }
    const QJsonValue current = object.value(qkey);
    if (!current.isUndefined() && !current.isNull() && !current.isArray()) {
        setError(error, path + ": " + std::string(key) + " is not a list; fix it first");
        return false;
    }
    QJsonArray list = current.toArray();
    const QString qvalue = QString::fromStdString(value).trimmed();
    for (const QJsonValue item : list) {
        if (item.toString().compare(qvalue, Qt::CaseInsensitive) == 0)
            return true;
    }
    list.append(qvalue);
    object.insert(qkey, list);
    const QByteArray out = QJsonDocument(object).toJson(QJsonDocument::Indented);
    std::string why;
    if (!Tuning::parse(std::string_view(out.constData(), static_cast<std::size_t>(out.size())), &why)) {
        setError(error, path + ": the result would not be valid tuning: " + why);
        return false;
    }
    QSaveFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::WriteOnly) || file.write(out) != out.size() || !file.commit()) {
        setError(error, path + ": " + file.errorString().toStdString());
        return false;
    }
    if (added)
        *added = true;
    return true;
}

} // namespace mp
