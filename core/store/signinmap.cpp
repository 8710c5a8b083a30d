#include "store/signinmap.h"

#include "store/eventquery.h"
#include "store/findingstore.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <unordered_map>

namespace mp {

namespace {

bool isCancelled(const std::atomic_bool *cancel)
{
    return cancel && cancel->load(std::memory_order_relaxed);
}

std::string placeName(const QJsonObject &o)
{
    const QString city = o.value(QStringLiteral("city")).toString();
    const QString country = o.value(QStringLiteral("country")).toString();
    if (city.isEmpty())
        return country.toStdString();
    return (country.isEmpty() ? city : city + QStringLiteral(", ") + country).toStdString();
}

struct PlaceBuilder
{
    SignInPlace place;
    std::map<std::string, int> ips;
    std::map<std::string, int> users;
};

} // namespace

bool parseTravelLeg(std::string_view detailsJson, TravelLeg &leg)
{
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(detailsJson.data(), static_cast<qsizetype>(detailsJson.size())));
    if (!doc.isObject())
        return false;
    const QJsonObject root = doc.object();
    const QJsonObject from = root.value(QStringLiteral("from")).toObject();
    const QJsonObject to = root.value(QStringLiteral("to")).toObject();
    const auto hasCoordinates = [](const QJsonObject &o) {
        return o.value(QStringLiteral("latitude")).isDouble() && o.value(QStringLiteral("longitude")).isDouble();
    };
    if (!hasCoordinates(from) || !hasCoordinates(to))
        return false;
    leg.fromLatitude = from.value(QStringLiteral("latitude")).toDouble();
    leg.fromLongitude = from.value(QStringLiteral("longitude")).toDouble();
    leg.toLatitude = to.value(QStringLiteral("latitude")).toDouble();
    leg.toLongitude = to.value(QStringLiteral("longitude")).toDouble();
    const auto valid = [](double lat, double lon) {
        return std::isfinite(lat) && std::isfinite(lon) && std::abs(lat) <= 90 && std::abs(lon) <= 180;
    };
    if (!valid(leg.fromLatitude, leg.fromLongitude) || !valid(leg.toLatitude, leg.toLongitude))
        return false;
    leg.fromPlace = placeName(from);
    leg.toPlace = placeName(to);
    leg.fromIp = from.value(QStringLiteral("ip")).toString().toStdString();
    leg.toIp = to.value(QStringLiteral("ip")).toString().toStdString();
    leg.distanceKm = root.value(QStringLiteral("distance_km")).toDouble();
    leg.speedKmh = root.value(QStringLiteral("speed_kmh")).toDouble();
    return true;
}

SignInMap loadSignInMap(Database &db, const SignInMapRequest &request, const std::atomic_bool *cancel)
{
    SignInMap map;
    if (!db.isOpen()) {
        map.error = "the case is not open";
        return map;
    }
    std::string sql = "SELECT time, ip, country, city, latitude, longitude, result_code, result_status, geo_source, "
                      "user FROM events WHERE kind = 1";
    if (!request.user.empty())
        sql += " AND user = ?1";
    if (!request.ip.empty())
        sql += " AND ip = ?2";
    if (request.fromMs != kNoTime)
        sql += " AND time >= ?3";
    if (request.toMs != kNoTime)
        sql += " AND time < ?4";
    sql += " ORDER BY time, id";
    db.exec("BEGIN");
    Statement s(db, sql);
    if (!s.isValid()) {
        map.error = db.errorMessage();
        db.exec("COMMIT");
        return map;
    }
    if (!request.user.empty())
        s.bind(1, request.user);
    if (!request.ip.empty())
        s.bind(2, request.ip);
    if (request.fromMs != kNoTime)
        s.bind(3, request.fromMs);
    if (request.toMs != kNoTime)
        s.bind(4, request.toMs);

    std::vector<PlaceBuilder> places;
    std::map<std::tuple<long long, long long, std::string, std::string>, std::size_t> placeIndex;
    std::map<std::pair<std::string, std::string>, UnplacedAddress> unplaced;
    const bool onePath = !request.user.empty();
    while (s.step()) {
        if ((++map.signIns & 4095) == 0 && isCancelled(cancel)) {
            map.cancelled = true;
            break;
        }
        const std::int64_t time = s.isNull(0) ? kNoTime : s.int64(0);
        const std::string_view ip = s.textView(1);
        const std::string_view country = s.textView(2);
        const EventOutcome outcome = eventOutcome(s.isNull(6) ? kNoResult : s.int64(6), s.textView(7));
        const bool failed = outcome == EventOutcome::Failure;
        const auto widen = [time](std::int64_t &first, std::int64_t &last) {
            if (time == kNoTime)
                return;
            first = first == kNoTime ? time : std::min(first, time);
            last = last == kNoTime ? time : std::max(last, time);
        };
        if (s.isNull(4) || s.isNull(5)) {
            UnplacedAddress &u = unplaced[{std::string(ip), std::string(country)}];
            u.ip = ip;
            u.country = country;
            ++u.count;
            widen(u.firstMs, u.lastMs);
            continue;
        }
        const double lat = s.real(4), lon = s.real(5);
        if (!std::isfinite(lat) || !std::isfinite(lon) || std::abs(lat) > 90 || std::abs(lon) > 180)
            continue;
        const std::string_view city = s.textView(3);
        // Places about a kilometre apart are one marker.
        const auto key = std::tuple{std::llround(lat * 100), std::llround(lon * 100), std::string(country), std::string(city)};
        auto [it, inserted] = placeIndex.try_emplace(key, places.size());
        if (inserted) {
            PlaceBuilder &b = places.emplace_back();
            b.place.latitude = lat;
            b.place.longitude = lon;
            b.place.country = country;
            b.place.city = city;
        }
        PlaceBuilder &b = places[it->second];
        (failed ? b.place.failures : b.place.successes)++;
        const auto source = static_cast<GeoSource>(s.int64(8));
        if (source != GeoSource::None)
            b.place.geoSource = std::max(b.place.geoSource, source);
        if (!ip.empty())
            ++b.ips[std::string(ip)];
        if (const std::string_view user = s.textView(9); !user.empty())
            ++b.users[std::string(user)];
        widen(b.place.firstMs, b.place.lastMs);
        if (onePath && !failed && time != kNoTime) {
            if (!map.path.empty() && map.path.back().place == it->second) {
                map.path.back().lastMs = time;
                ++map.path.back().signIns;
            } else {
                map.path.push_back({it->second, time, time, 1});
            }
        }
    }

    // Most sign-ins first; the path's place indexes follow the new order.
    std::vector<std::size_t> order(places.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return places[a].place.total() > places[b].place.total(); });
    std::vector<std::size_t> renumber(places.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        renumber[order[i]] = i;
        PlaceBuilder &b = places[order[i]];
        const auto byCount = [](const std::map<std::string, int> &counts, int limit, std::vector<std::string> &out) {
            std::vector<std::pair<int, std::string>> sorted;
            for (const auto &[text, n] : counts)
                sorted.push_back({-n, text});
            std::sort(sorted.begin(), sorted.end());
            for (const auto &[n, text] : sorted) {
                if (static_cast<int>(out.size()) >= limit)
                    break;
                out.push_back(text);
            }
            return static_cast<int>(counts.size());
        };
        b.place.ipCount = byCount(b.ips, kMaxPlaceIps, b.place.ips);
        b.place.userCount = byCount(b.users, kMaxPlaceUsers, b.place.users);
        map.places.push_back(std::move(b.place));
    }
    for (PathStop &stop : map.path)
        stop.place = renumber[stop.place];
    for (auto &[key, u] : unplaced)
        map.unplaced.push_back(std::move(u));
    std::stable_sort(map.unplaced.begin(), map.unplaced.end(),
                     [](const UnplacedAddress &a, const UnplacedAddress &b) { return a.count > b.count; });

    const std::vector<StoredFinding> findings = FindingStore(db).findings();
    // Places whose addresses a finding names: where the attacker was, as the detectors see it.
    std::map<std::string, int> findingsOfIp;
    for (const StoredFinding &sf : findings) {
        const Finding &f = sf.finding;
        if (!f.suppressedBy.empty() || (!request.user.empty() && f.user != request.user))
            continue;
        for (const std::string &ip : f.ips)
            ++findingsOfIp[ip];
    }
    for (std::size_t i = 0; i < map.places.size(); ++i) {
        for (const auto &[ip, n] : places[order[i]].ips) {
            if (const auto it = findingsOfIp.find(ip); it != findingsOfIp.end())
                map.places[i].findings += it->second;
        }
    }
    for (const StoredFinding &sf : findings) {
        const Finding &f = sf.finding;
        if (f.detector != "ImpossibleTravel" || (!request.user.empty() && f.user != request.user))
            continue;
        if (!request.ip.empty() && std::find(f.ips.begin(), f.ips.end(), request.ip) == f.ips.end())
            continue;
        if ((request.fromMs != kNoTime && f.lastTimeMs != kNoTime && f.lastTimeMs < request.fromMs)
            || (request.toMs != kNoTime && f.firstTimeMs != kNoTime && f.firstTimeMs >= request.toMs))
            continue;
        TravelLeg leg;
        if (!parseTravelLeg(f.details, leg))
            continue;
        leg.findingId = sf.id;
        leg.user = f.user;
        leg.fingerprint = f.fingerprint;
        leg.fromMs = f.firstTimeMs;
        leg.toMs = f.lastTimeMs;
        leg.suppressed = !f.suppressedBy.empty();
        map.legs.push_back(std::move(leg));
    }
    db.exec("COMMIT");
    return map;
}

} // namespace mp
