#include "store/demo_repo.hpp"

#include <algorithm>

namespace kw::store {

bool network_is_empty(soci::session& sql) {
    long long n = 0;
    sql << "SELECT (SELECT COUNT(*) FROM tariffs) + (SELECT COUNT(*) FROM stations) + "
           "(SELECT COUNT(*) FROM chargers) + (SELECT COUNT(*) FROM drivers) + (SELECT COUNT(*) FROM orders)",
        soci::into(n);
    return n == 0;
}

bool demo_seeded(soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM demo_rows", soci::into(n);
    return n > 0;
}

void mark_demo_row(soci::session& sql, const std::string& kind, std::int64_t row_id) {
    long long id = row_id;
    sql << "INSERT INTO demo_rows (kind, row_id) VALUES (:k, :id)", soci::use(kind), soci::use(id);
}

int adopt_unmarked_demo(soci::session& sql, const std::string& tariff_name, const std::vector<std::string>& codes) {
    std::vector<long long> tariffs, stations;
    std::vector<std::pair<long long, std::string>> chargers;
    {
        long long id = 0;
        soci::statement st = (sql.prepare << "SELECT id FROM tariffs WHERE name = :n", soci::into(id),
                              soci::use(tariff_name));
        st.execute(false);
        while (st.fetch()) tariffs.push_back(id);
    }
    for (long long t : tariffs) {
        long long id = 0;
        soci::statement st =
            (sql.prepare << "SELECT id FROM stations WHERE tariff_id = :t", soci::into(id), soci::use(t));
        st.execute(false);
        while (st.fetch()) stations.push_back(id);
    }
    for (long long station : stations) {
        long long id = 0;
        std::string code;
        soci::statement st = (sql.prepare << "SELECT id, code FROM chargers WHERE station_id = :s", soci::into(id),
                              soci::into(code), soci::use(station));
        st.execute(false);
        while (st.fetch())
            if (std::find(codes.begin(), codes.end(), code) != codes.end()) chargers.emplace_back(id, code);
    }
    if (chargers.empty()) return 0;
    for (long long t : tariffs) mark_demo_row(sql, "tariff", t);
    for (long long s : stations) mark_demo_row(sql, "station", s);
    for (const auto& c : chargers) mark_demo_row(sql, "charger", c.first);
    return static_cast<int>(chargers.size());
}

std::vector<DemoCharger> demo_chargers(soci::session& sql) {
    std::vector<DemoCharger> out;
    long long id = 0, rated = 0, connectors = 0;
    std::string code, kind, hash;
    soci::statement st =
        (sql.prepare << "SELECT c.id, c.code, c.kind, c.rated_w, "
                        "(SELECT COUNT(*) FROM connectors WHERE charger_id = c.id), c.mqtt_password_hash "
                        "FROM chargers c JOIN demo_rows d ON d.kind = 'charger' AND d.row_id = c.id ORDER BY c.id",
         soci::into(id), soci::into(code), soci::into(kind), soci::into(rated), soci::into(connectors),
         soci::into(hash));
    st.execute(false);
    while (st.fetch())
        out.push_back({id, code, kind, rated, static_cast<int>(connectors), hash});
    return out;
}

}  // namespace kw::store
