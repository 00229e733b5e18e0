#pragma once
// SQL of the demo seeding (service/demo.cpp): whether the database is empty, and the rows the demo
// created, marked in demo_rows. Plain functions on a caller's session (worker threads only).
#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kw::store {

// No tariff, station, charger, driver or order yet (employees, such as the bootstrap admin, may
// exist: the demo's own employees are created under names that then must be free).
bool network_is_empty(soci::session& sql);
// Whether the demo seeded this database before (any demo_rows row).
bool demo_seeded(soci::session& sql);
void mark_demo_row(soci::session& sql, const std::string& kind, std::int64_t row_id);

// A database the demo seeded before demo_rows existed: marks the tariff(s) named tariff_name, the
// stations using them and, in those stations, the chargers whose code is one of codes. Returns the
// number of chargers marked (0: nothing recognised, nothing marked).
int adopt_unmarked_demo(soci::session& sql, const std::string& tariff_name, const std::vector<std::string>& codes);

struct DemoCharger {
    std::int64_t id = 0;
    std::string code;
    std::string kind;
    std::int64_t rated_w = 0;
    int connectors = 0;
    std::string mqtt_password_hash;
};
// The demo's chargers that still exist, ordered by id.
std::vector<DemoCharger> demo_chargers(soci::session& sql);

}  // namespace kw::store
