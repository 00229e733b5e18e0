#include "store/charger_refs.hpp"

#include "store/statement_cache.hpp"

namespace kw::store {

namespace {

// A charger c's highest connector number (NULL without connectors).
const std::string kMaxConnector = "(SELECT MAX(number) FROM connectors WHERE charger_id = c.id)";

const std::string kSelect =
    "SELECT c.id, c.code, c.station_id, s.name, c.kind, c.rated_w, " + kMaxConnector + ", s.timezone, t.spec "
    "FROM chargers c JOIN stations s ON s.id = c.station_id JOIN tariffs t ON t.id = s.tariff_id WHERE ";

// One row of kSelect, bound to a statement's results.
struct RefRow {
    ChargerRef r;
    long long id = 0, station_id = 0, rated_w = 0;
    int connectors = 0;
    soci::indicator ind_conn = soci::i_ok;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(r.code));
        st.exchange(soci::into(station_id));
        st.exchange(soci::into(r.station_name));
        st.exchange(soci::into(r.kind));
        st.exchange(soci::into(rated_w));
        st.exchange(soci::into(connectors, ind_conn));
        st.exchange(soci::into(r.timezone));
        st.exchange(soci::into(r.tariff_spec));
    }
    ChargerRef ref() const {
        ChargerRef out = r;
        out.id = id;
        out.station_id = station_id;
        out.rated_w = rated_w;
        out.connectors = ind_conn == soci::i_ok ? connectors : 0;
        return out;
    }
};

// Prepares kSelect + where on `st`, its row into `row` and `key` for :k (both must outlive `st`).
template <class Key>
void prepare(soci::statement& st, RefRow& row, const Key& key, const char* where) {
    st.alloc();
    row.bind(st);
    st.exchange(soci::use(key));
    st.prepare(kSelect + where);
    st.define_and_bind();
}

// Runs a prepared lookup to its last row (see StatementCache: a statement stopped early keeps
// SQLite's read snapshot open).
std::optional<ChargerRef> fetch(soci::statement& st, const RefRow& row) {
    st.execute(false);
    std::optional<ChargerRef> out;
    while (st.fetch()) out = row.ref();
    return out;
}

template <class Key>
std::optional<ChargerRef> find(soci::session& sql, const char* where, const Key& key) {
    RefRow row;
    soci::statement st(sql);
    prepare(st, row, key, where);
    return fetch(st, row);
}

// find_charger_ref by code, kept per connection in its StatementCache.
struct FindByCodeQuery {
    RefRow row;
    std::string code;
    soci::statement st;
    explicit FindByCodeQuery(soci::session& sql) : st(sql) { prepare(st, row, code, "c.code = :k"); }
};

// find_charger_key's statement: every message of a charger asks it.
struct KeyByCodeQuery {
    std::string code;
    long long id = 0, station_id = 0;
    int connectors = 0;
    soci::indicator ind_conn = soci::i_ok;
    soci::statement st;
    explicit KeyByCodeQuery(soci::session& sql)
        : st((sql.prepare << "SELECT c.id, c.station_id, " + kMaxConnector + " FROM chargers c WHERE c.code = :k",
              soci::into(id), soci::into(station_id), soci::into(connectors, ind_conn), soci::use(code))) {}
};

// connector_exists's statement: every start asks it.
struct ConnectorCountQuery {
    long long charger_id = 0, count = 0;
    int number = 0;
    soci::statement st;
    explicit ConnectorCountQuery(soci::session& sql)
        : st((sql.prepare << "SELECT COUNT(*) FROM connectors WHERE charger_id = :c AND number = :n",
              soci::use(charger_id), soci::use(number), soci::into(count))) {}
};

}  // namespace

std::optional<ChargerRef> find_charger_ref(soci::session& sql, const std::string& code) {
    return with_statement<FindByCodeQuery>(sql, [&code](FindByCodeQuery& q) {
        q.code = code;
        return fetch(q.st, q.row);
    });
}

std::optional<ChargerKey> find_charger_key(soci::session& sql, const std::string& code) {
    return with_statement<KeyByCodeQuery>(sql, [&code](KeyByCodeQuery& q) {
        q.code = code;
        q.st.execute(false);
        std::optional<ChargerKey> out;
        while (q.st.fetch()) out = ChargerKey{q.id, q.station_id, q.ind_conn == soci::i_ok ? q.connectors : 0};
        return out;
    });
}

std::optional<ChargerRef> find_charger_ref(soci::session& sql, std::int64_t id) {
    long long key = id;
    return find(sql, "c.id = :k", key);
}

bool connector_exists(soci::session& sql, std::int64_t charger_id, int number) {
    return select_count<ConnectorCountQuery>(sql, [&](ConnectorCountQuery& q) {
               q.charger_id = charger_id;
               q.number = number;
           }) > 0;
}

std::string record_boot(soci::session& sql, std::int64_t charger_id, const std::string& boot_id,
                        const std::string& vendor, const std::string& model, const std::string& firmware,
                        std::int64_t now) {
    const std::string previous = find_boot(sql, charger_id).boot_id;
    long long c = charger_id, n = now;
    sql << "UPDATE chargers SET boot_id = :b, vendor = :v, model = :m, firmware = :f, last_boot_at = :n, "
           "updated_at = :n2 WHERE id = :c",
        soci::use(boot_id), soci::use(vendor), soci::use(model), soci::use(firmware), soci::use(n), soci::use(n),
        soci::use(c);
    return previous;
}

ChargerBoot find_boot(soci::session& sql, std::int64_t charger_id) {
    ChargerBoot b;
    long long c = charger_id, at = 0;
    soci::indicator ind_id = soci::i_ok, ind_at = soci::i_ok;
    sql << "SELECT boot_id, last_boot_at, vendor, model, firmware FROM chargers WHERE id = :c", soci::use(c),
        soci::into(b.boot_id, ind_id), soci::into(at, ind_at), soci::into(b.vendor), soci::into(b.model),
        soci::into(b.firmware);
    if (!sql.got_data() || ind_id != soci::i_ok) return ChargerBoot{};
    b.boot_at = ind_at == soci::i_ok ? at : 0;
    return b;
}

}  // namespace kw::store
