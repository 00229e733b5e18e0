#include "store/chargers_repo.hpp"

#include <algorithm>
#include <cctype>

#include "domain/error.hpp"
#include "store/id_list.hpp"
#include "store/like.hpp"
#include "store/statement_cache.hpp"

namespace kw::store {

namespace {

constexpr const char* kColumns =
    "SELECT c.id, c.code, c.station_id, c.name, c.kind, c.rated_w, c.vendor, c.model, c.firmware, "
    "c.protocol, "
    "c.last_boot_at, c.mqtt_password_hash, c.created_at, c.updated_at, COALESCE(s.name, '') "
    "FROM chargers c LEFT JOIN stations s ON s.id = c.station_id ";

// Filters with switches, so the SQL text never depends on the input.
constexpr const char* kWhere =
    "WHERE (:no_q = 1 OR LOWER(c.code) LIKE :q1 ESCAPE '!' OR LOWER(c.name) LIKE :q2 ESCAPE '!') "
    "AND (:no_station = 1 OR c.station_id = :station) ";

struct FilterBinds {
    int no_q = 1;
    std::string pattern;
    int no_station = 1;
    long long station = 0;
    explicit FilterBinds(const ChargerFilter& f) {
        if (f.q) {
            no_q = 0;
            std::string lower = *f.q;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            pattern = "%" + like_escape(lower) + "%";
        }
        if (f.station_id) {
            no_station = 0;
            station = *f.station_id;
        }
    }
    void bind(soci::statement& st) {
        st.exchange(soci::use(no_q));
        st.exchange(soci::use(pattern));
        st.exchange(soci::use(pattern));
        st.exchange(soci::use(no_station));
        st.exchange(soci::use(station));
    }
};

struct RowBind {
    ChargerRow row;
    long long id = 0, station_id = 0, rated_w = 0, last_boot = 0, created = 0, updated = 0;
    soci::indicator last_boot_ind = soci::i_null;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(row.code));
        st.exchange(soci::into(station_id));
        st.exchange(soci::into(row.name));
        st.exchange(soci::into(row.kind));
        st.exchange(soci::into(rated_w));
        st.exchange(soci::into(row.vendor));
        st.exchange(soci::into(row.model));
        st.exchange(soci::into(row.firmware));
        st.exchange(soci::into(row.protocol));
        st.exchange(soci::into(last_boot, last_boot_ind));
        st.exchange(soci::into(row.mqtt_password_hash));
        st.exchange(soci::into(created));
        st.exchange(soci::into(updated));
        st.exchange(soci::into(row.station_name));
    }
    ChargerRow get() const {
        ChargerRow r = row;
        r.id = id;
        r.station_id = station_id;
        r.rated_w = rated_w;
        r.last_boot_at = last_boot_ind == soci::i_ok ? std::optional<UtcMs>(last_boot) : std::nullopt;
        r.created_at = created;
        r.updated_at = updated;
        return r;
    }
};

bool charger_exists(soci::session& sql, long long id) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM chargers WHERE id = :id", soci::into(n), soci::use(id);
    return n > 0;
}

bool code_taken(soci::session& sql, const std::string& code) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM chargers WHERE code = :code", soci::into(n), soci::use(code);
    return n > 0;
}

bool connector_taken(soci::session& sql, long long charger_id, int number) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM connectors WHERE charger_id = :c AND number = :n", soci::into(n),
        soci::use(charger_id), soci::use(number);
    return n > 0;
}

std::vector<ChargerRow> run(soci::statement& st, RowBind& b) {
    st.define_and_bind();
    st.execute();
    std::vector<ChargerRow> out;
    while (st.fetch()) out.push_back(b.get());
    return out;
}

}  // namespace

std::int64_t insert_charger(soci::session& sql, const ChargerRow& c, UtcMs now) {
    if (code_taken(sql, c.code)) throw Error(Errc::already_exists, "charger code " + c.code + " is already in use");
    long long t = now, station = c.station_id, rated = c.rated_w;
    const std::string protocol = c.protocol.empty() ? "kw-mqtt/1" : c.protocol;
    try {
        sql << "INSERT INTO chargers (code, station_id, name, kind, rated_w, protocol, mqtt_password_hash, "
               "created_at, updated_at) VALUES (:code, :station, :name, :kind, :rated, :protocol, :hash, :c, :u)",
            soci::use(c.code), soci::use(station), soci::use(c.name), soci::use(c.kind), soci::use(rated),
            soci::use(protocol), soci::use(c.mqtt_password_hash), soci::use(t), soci::use(t);
    } catch (const soci::soci_error&) {
        // Lost a race with a concurrent create of the same code (unique constraint).
        if (code_taken(sql, c.code))
            throw Error(Errc::already_exists, "charger code " + c.code + " is already in use");
        throw;
    }
    long long id = 0;
    if (!sql.get_last_insert_id("chargers", id)) throw Error(Errc::internal, "no id for the new charger");
    return id;
}

std::optional<ChargerRow> find_charger(soci::session& sql, std::int64_t id) {
    long long key = id;
    RowBind b;
    soci::statement st(sql);
    b.bind(st);
    st.exchange(soci::use(key));
    st.alloc();
    st.prepare(std::string(kColumns) + "WHERE c.id = :id");
    auto rows = run(st, b);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<ChargerRow> find_charger_by_code(soci::session& sql, const std::string& code) {
    std::string key = code;
    RowBind b;
    soci::statement st(sql);
    b.bind(st);
    st.exchange(soci::use(key));
    st.alloc();
    st.prepare(std::string(kColumns) + "WHERE c.code = :code");
    auto rows = run(st, b);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

bool update_charger(soci::session& sql, const ChargerRow& c, UtcMs now) {
    long long key = c.id, t = now, station = c.station_id, rated = c.rated_w;
    if (!charger_exists(sql, key)) return false;
    sql << "UPDATE chargers SET station_id = :station, name = :name, kind = :kind, rated_w = :rated, "
           "updated_at = :u WHERE id = :id",
        soci::use(station), soci::use(c.name), soci::use(c.kind), soci::use(rated), soci::use(t),
        soci::use(key);
    return true;
}

void set_mqtt_password_hash(soci::session& sql, std::int64_t id, const std::string& hash, UtcMs now) {
    long long key = id, t = now;
    sql << "UPDATE chargers SET mqtt_password_hash = :hash, updated_at = :u WHERE id = :id", soci::use(hash),
        soci::use(t), soci::use(key);
}

bool delete_charger(soci::session& sql, std::int64_t id) {
    long long key = id;
    if (!charger_exists(sql, key)) return false;
    sql << "DELETE FROM connectors WHERE charger_id = :id", soci::use(key);
    sql << "DELETE FROM chargers WHERE id = :id", soci::use(key);
    return true;
}

std::vector<ChargerRow> list_chargers(soci::session& sql, const ChargerFilter& f, std::int64_t limit,
                                      std::int64_t offset) {
    FilterBinds fb(f);
    long long n = limit, m = offset;
    RowBind b;
    soci::statement st(sql);
    b.bind(st);
    fb.bind(st);
    std::string text = std::string(kColumns) + kWhere + "ORDER BY c.id";
    if (limit >= 0) {
        st.exchange(soci::use(n));
        st.exchange(soci::use(m));
        text += " LIMIT :n OFFSET :m";
    }
    st.alloc();
    st.prepare(text);
    return run(st, b);
}

std::int64_t count_chargers(soci::session& sql, const ChargerFilter& f) {
    FilterBinds fb(f);
    long long n = 0;
    soci::statement st(sql);
    st.exchange(soci::into(n));
    fb.bind(st);
    st.alloc();
    st.prepare("SELECT COUNT(*) FROM chargers c " + std::string(kWhere));
    st.define_and_bind();
    st.execute(true);
    return n;
}

std::vector<ChargerRow> chargers_of_stations(soci::session& sql,
                                             const std::vector<std::int64_t>& station_ids) {
    if (station_ids.empty()) return {};
    RowBind b;
    soci::statement st(sql);
    b.bind(st);
    st.alloc();
    st.prepare(std::string(kColumns) + "WHERE c.station_id IN (" + id_list(station_ids) +
               ") ORDER BY c.station_id, c.id");
    return run(st, b);
}

std::vector<ConnectorRow> connectors_of(soci::session& sql, const std::vector<std::int64_t>& charger_ids) {
    if (charger_ids.empty()) return {};
    long long id = 0, charger_id = 0, max_w = 0;
    int number = 0;
    soci::statement st =
        (sql.prepare << "SELECT id, charger_id, number, max_w FROM connectors WHERE charger_id IN (" +
                            id_list(charger_ids) + ") ORDER BY charger_id, number",
         soci::into(id), soci::into(charger_id), soci::into(number), soci::into(max_w));
    st.execute();
    std::vector<ConnectorRow> out;
    while (st.fetch()) out.push_back(ConnectorRow{id, charger_id, number, max_w});
    return out;
}

void insert_connector(soci::session& sql, std::int64_t charger_id, int number, std::int64_t max_w) {
    long long c = charger_id, w = max_w;
    if (connector_taken(sql, c, number))
        throw Error(Errc::already_exists, "connector " + std::to_string(number) + " already exists");
    try {
        sql << "INSERT INTO connectors (charger_id, number, max_w) VALUES (:c, :n, :w)", soci::use(c),
            soci::use(number), soci::use(w);
    } catch (const soci::soci_error&) {
        if (connector_taken(sql, c, number))
            throw Error(Errc::already_exists, "connector " + std::to_string(number) + " already exists");
        throw;
    }
}

bool update_connector(soci::session& sql, std::int64_t charger_id, int number, std::int64_t max_w) {
    long long c = charger_id, w = max_w;
    if (!connector_taken(sql, c, number)) return false;
    sql << "UPDATE connectors SET max_w = :w WHERE charger_id = :c AND number = :n", soci::use(w),
        soci::use(c), soci::use(number);
    return true;
}

bool delete_connector(soci::session& sql, std::int64_t charger_id, int number) {
    long long c = charger_id;
    if (!connector_taken(sql, c, number)) return false;
    sql << "DELETE FROM connectors WHERE charger_id = :c AND number = :n", soci::use(c), soci::use(number);
    return true;
}

namespace {

// Asked at every session's start and settlement: kept per connection (store/statement_cache.hpp).
struct ConnectorMaxWQuery {
    long long charger_id = 0, max_w = 0;
    int number = 0;
    soci::statement st;
    explicit ConnectorMaxWQuery(soci::session& sql)
        : st((sql.prepare << "SELECT max_w FROM connectors WHERE charger_id = :c AND number = :n", soci::into(max_w),
              soci::use(charger_id), soci::use(number))) {}
};

}  // namespace

std::int64_t connector_max_w(soci::session& sql, std::int64_t charger_id, int number) {
    return with_statement<ConnectorMaxWQuery>(sql, [&](ConnectorMaxWQuery& q) {
        q.charger_id = charger_id;
        q.number = number;
        q.st.execute(false);
        std::int64_t out = 0;
        while (q.st.fetch()) out = q.max_w;  // to the end: see StatementCache
        return out;
    });
}

std::int64_t count_active_orders(soci::session& sql, std::int64_t charger_id, std::optional<int> connector) {
    long long c = charger_id, n = 0;
    int no_connector = connector ? 0 : 1;
    int number = connector.value_or(0);
    sql << "SELECT COUNT(*) FROM orders WHERE charger_id = :c AND state IN ('starting', 'charging', "
           "'stopping') "
           "AND (:no_conn = 1 OR connector_no = :n)",
        soci::into(n), soci::use(c), soci::use(no_connector), soci::use(number);
    return n;
}

}  // namespace kw::store
