#include "store/charger_refs.hpp"

namespace kw::store {

namespace {

template <class Key>
std::optional<ChargerRef> find(soci::session& sql, const char* where, const Key& key) {
    ChargerRef r;
    long long id = 0, station_id = 0, rated_w = 0;
    int connectors = 0;
    soci::indicator ind_conn = soci::i_ok;
    sql << std::string("SELECT c.id, c.code, c.station_id, s.name, c.kind, c.rated_w, "
                       "(SELECT MAX(number) FROM connectors WHERE charger_id = c.id), s.timezone, t.spec "
                       "FROM chargers c JOIN stations s ON s.id = c.station_id JOIN tariffs t ON t.id = s.tariff_id "
                       "WHERE ") + where,
        soci::use(key), soci::into(id), soci::into(r.code), soci::into(station_id), soci::into(r.station_name),
        soci::into(r.kind), soci::into(rated_w), soci::into(connectors, ind_conn), soci::into(r.timezone),
        soci::into(r.tariff_spec);
    if (!sql.got_data()) return std::nullopt;
    r.id = id;
    r.station_id = station_id;
    r.rated_w = rated_w;
    r.connectors = ind_conn == soci::i_ok ? connectors : 0;
    return r;
}

}  // namespace

std::optional<ChargerRef> find_charger_ref(soci::session& sql, const std::string& code) {
    return find(sql, "c.code = :k", code);
}

std::optional<ChargerRef> find_charger_ref(soci::session& sql, std::int64_t id) {
    long long key = id;
    return find(sql, "c.id = :k", key);
}

bool connector_exists(soci::session& sql, std::int64_t charger_id, int number) {
    long long c = charger_id;
    int count = 0;
    sql << "SELECT COUNT(*) FROM connectors WHERE charger_id = :c AND number = :n", soci::use(c), soci::use(number),
        soci::into(count);
    return count > 0;
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
