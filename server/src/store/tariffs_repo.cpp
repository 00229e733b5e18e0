#include "store/tariffs_repo.hpp"

#include "domain/error.hpp"

namespace kw::store {

namespace {

bool exists(soci::session& sql, long long id) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM tariffs WHERE id = :id", soci::into(n), soci::use(id);
    return n > 0;
}

}  // namespace

std::int64_t insert_tariff(soci::session& sql, const std::string& name, const std::string& spec, UtcMs now) {
    long long t = now;
    sql << "INSERT INTO tariffs (name, spec, created_at, updated_at) VALUES (:name, :spec, :c, :u)",
        soci::use(name), soci::use(spec), soci::use(t), soci::use(t);
    long long id = 0;
    if (!sql.get_last_insert_id("tariffs", id)) throw Error(Errc::internal, "no id for the new tariff");
    return id;
}

std::optional<TariffRow> find_tariff(soci::session& sql, std::int64_t id) {
    TariffRow row;
    long long key = id, rid = 0, created = 0, updated = 0;
    soci::statement st =
        (sql.prepare << "SELECT id, name, spec, created_at, updated_at FROM tariffs WHERE id = :id",
         soci::into(rid), soci::into(row.name), soci::into(row.spec), soci::into(created),
         soci::into(updated), soci::use(key));
    st.execute(true);
    if (!st.got_data()) return std::nullopt;
    row.id = rid;
    row.created_at = created;
    row.updated_at = updated;
    return row;
}

std::vector<TariffRow> list_tariffs(soci::session& sql, std::int64_t limit, std::int64_t offset) {
    TariffRow row;
    long long rid = 0, created = 0, updated = 0, n = limit, m = offset;
    soci::statement st =
        (sql.prepare
             << "SELECT id, name, spec, created_at, updated_at FROM tariffs ORDER BY id LIMIT :n OFFSET :m",
         soci::into(rid), soci::into(row.name), soci::into(row.spec), soci::into(created),
         soci::into(updated), soci::use(n), soci::use(m));
    st.execute();
    std::vector<TariffRow> out;
    while (st.fetch()) {
        row.id = rid;
        row.created_at = created;
        row.updated_at = updated;
        out.push_back(row);
    }
    return out;
}

std::int64_t count_tariffs(soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM tariffs", soci::into(n);
    return n;
}

bool update_tariff(soci::session& sql, std::int64_t id, const std::string& name, const std::string& spec,
                   UtcMs now) {
    long long key = id, t = now;
    if (!exists(sql, key)) return false;
    sql << "UPDATE tariffs SET name = :name, spec = :spec, updated_at = :u WHERE id = :id", soci::use(name),
        soci::use(spec), soci::use(t), soci::use(key);
    return true;
}

bool delete_tariff(soci::session& sql, std::int64_t id) {
    long long key = id;
    if (!exists(sql, key)) return false;
    sql << "DELETE FROM tariffs WHERE id = :id", soci::use(key);
    return true;
}

std::int64_t count_stations_using_tariff(soci::session& sql, std::int64_t id) {
    long long key = id, n = 0;
    sql << "SELECT COUNT(*) FROM stations WHERE tariff_id = :id", soci::into(n), soci::use(key);
    return n;
}

}  // namespace kw::store
