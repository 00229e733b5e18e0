#include "store/stations_repo.hpp"

#include <algorithm>
#include <cctype>

#include "domain/error.hpp"
#include "store/id_list.hpp"
#include "store/like.hpp"

namespace kw::store {

namespace {

constexpr const char* kColumns =
    "SELECT id, name, address, lng, lat, timezone, opening_hours, tariff_id, created_at, updated_at FROM "
    "stations ";

// The name/address filter with a switch, so the SQL text never depends on the input.
constexpr const char* kWhereQ =
    "WHERE (:no_q = 1 OR LOWER(name) LIKE :q1 ESCAPE '!' OR LOWER(address) LIKE :q2 ESCAPE '!') ";

struct QBinds {
    int no_q = 1;
    std::string pattern;
    explicit QBinds(const std::optional<std::string>& q) {
        if (!q) return;
        no_q = 0;
        std::string lower = *q;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        pattern = "%" + like_escape(lower) + "%";
    }
};

// Reads the rows of a prepared statement whose into() targets are `b`.
struct RowBind {
    StationRow row;
    long long id = 0, tariff_id = 0, created = 0, updated = 0;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(row.name));
        st.exchange(soci::into(row.address));
        st.exchange(soci::into(row.lng));
        st.exchange(soci::into(row.lat));
        st.exchange(soci::into(row.timezone));
        st.exchange(soci::into(row.opening_hours));
        st.exchange(soci::into(tariff_id));
        st.exchange(soci::into(created));
        st.exchange(soci::into(updated));
    }
    StationRow get() const {
        StationRow r = row;
        r.id = id;
        r.tariff_id = tariff_id;
        r.created_at = created;
        r.updated_at = updated;
        return r;
    }
};

bool exists(soci::session& sql, long long id) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM stations WHERE id = :id", soci::into(n), soci::use(id);
    return n > 0;
}

}  // namespace

std::int64_t insert_station(soci::session& sql, const StationRow& s, UtcMs now) {
    long long t = now, tariff = s.tariff_id;
    double lng = s.lng, lat = s.lat;
    sql << "INSERT INTO stations (name, address, lng, lat, timezone, opening_hours, tariff_id, created_at, "
           "updated_at) VALUES (:name, :address, :lng, :lat, :tz, :hours, :tariff, :c, :u)",
        soci::use(s.name), soci::use(s.address), soci::use(lng), soci::use(lat), soci::use(s.timezone),
        soci::use(s.opening_hours), soci::use(tariff), soci::use(t), soci::use(t);
    long long id = 0;
    if (!sql.get_last_insert_id("stations", id)) throw Error(Errc::internal, "no id for the new station");
    return id;
}

bool update_station(soci::session& sql, const StationRow& s, UtcMs now) {
    long long key = s.id, t = now, tariff = s.tariff_id;
    double lng = s.lng, lat = s.lat;
    if (!exists(sql, key)) return false;
    sql << "UPDATE stations SET name = :name, address = :address, lng = :lng, lat = :lat, timezone = :tz, "
           "opening_hours = :hours, tariff_id = :tariff, updated_at = :u WHERE id = :id",
        soci::use(s.name), soci::use(s.address), soci::use(lng), soci::use(lat), soci::use(s.timezone),
        soci::use(s.opening_hours), soci::use(tariff), soci::use(t), soci::use(key);
    return true;
}

bool delete_station(soci::session& sql, std::int64_t id) {
    long long key = id;
    if (!exists(sql, key)) return false;
    sql << "DELETE FROM stations WHERE id = :id", soci::use(key);
    return true;
}

std::optional<StationRow> find_station(soci::session& sql, std::int64_t id) {
    long long key = id;
    RowBind b;
    soci::statement st(sql);
    b.bind(st);
    st.exchange(soci::use(key));
    st.alloc();
    st.prepare(std::string(kColumns) + "WHERE id = :id");
    st.define_and_bind();
    st.execute(true);
    if (!st.got_data()) return std::nullopt;
    return b.get();
}

std::vector<StationRow> list_stations(soci::session& sql, const std::optional<std::string>& q,
                                      std::int64_t limit, std::int64_t offset) {
    QBinds qb(q);
    long long n = limit, m = offset;
    RowBind b;
    soci::statement st(sql);
    b.bind(st);
    st.exchange(soci::use(qb.no_q));
    st.exchange(soci::use(qb.pattern));
    st.exchange(soci::use(qb.pattern));
    st.exchange(soci::use(n));
    st.exchange(soci::use(m));
    st.alloc();
    st.prepare(std::string(kColumns) + kWhereQ + "ORDER BY id LIMIT :n OFFSET :m");
    st.define_and_bind();
    st.execute();
    std::vector<StationRow> out;
    while (st.fetch()) out.push_back(b.get());
    return out;
}

std::int64_t count_stations(soci::session& sql, const std::optional<std::string>& q) {
    QBinds qb(q);
    long long n = 0;
    sql << "SELECT COUNT(*) FROM stations " + std::string(kWhereQ), soci::into(n), soci::use(qb.no_q),
        soci::use(qb.pattern), soci::use(qb.pattern);
    return n;
}

std::vector<StationPoint> station_points_in_box(soci::session& sql, const domain::GeoBox& box) {
    double min_lng = box.min_lng, max_lng = box.max_lng, min_lat = box.min_lat, max_lat = box.max_lat;
    StationPoint p;
    long long id = 0;
    soci::statement st(sql);
    st.exchange(soci::into(id));
    st.exchange(soci::into(p.lng));
    st.exchange(soci::into(p.lat));
    st.exchange(soci::use(min_lat));
    st.exchange(soci::use(max_lat));
    st.exchange(soci::use(min_lng));
    st.exchange(soci::use(max_lng));
    st.alloc();
    st.prepare(std::string("SELECT id, lng, lat FROM stations WHERE lat >= :min_lat AND "
                           "lat <= :max_lat AND ") +
               (box.wraps ? "(lng >= :min_lng OR lng <= :max_lng)" : "lng >= :min_lng AND lng <= :max_lng") +
               " ORDER BY id");
    st.define_and_bind();
    st.execute();
    std::vector<StationPoint> out;
    while (st.fetch()) {
        p.id = id;
        out.push_back(p);
    }
    return out;
}

std::vector<StationRow> stations_by_ids(soci::session& sql, const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return {};
    RowBind b;
    soci::statement st(sql);
    b.bind(st);
    st.alloc();
    st.prepare(std::string(kColumns) + "WHERE id IN (" + id_list(ids) + ") ORDER BY id");
    st.define_and_bind();
    st.execute();
    std::vector<StationRow> out;
    while (st.fetch()) out.push_back(b.get());
    return out;
}

std::int64_t count_chargers_at(soci::session& sql, std::int64_t station_id) {
    long long key = station_id, n = 0;
    sql << "SELECT COUNT(*) FROM chargers WHERE station_id = :id", soci::into(n), soci::use(key);
    return n;
}

}  // namespace kw::store
