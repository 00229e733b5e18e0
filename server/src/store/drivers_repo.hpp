#pragma once
// SQL for the drivers table. Plain functions on a caller's session (worker threads only); the
// caller decides the transaction. balance_fen is changed only by service/wallet.cpp.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct DriverRow {
    std::int64_t id = 0;
    std::string phone;
    std::string password_hash;
    std::string nickname;
    std::string status;  // active | disabled
    std::int64_t balance_fen = 0;
    UtcMs created_at = 0;
    UtcMs updated_at = 0;
};

// Inserts an active driver with a zero balance; kw::Error(conflict) if the phone is taken.
std::int64_t insert_driver(soci::session& sql, const std::string& phone, const std::string& password_hash,
                           const std::string& nickname, UtcMs now);
std::optional<DriverRow> find_driver(soci::session& sql, std::int64_t id);
// The order the driver is charging with now, if any.
std::optional<std::int64_t> driver_active_order(soci::session& sql, std::int64_t driver_id);
std::optional<DriverRow> find_driver_by_phone(soci::session& sql, const std::string& phone);
// Sets status; false if no such driver.
bool set_driver_status(soci::session& sql, std::int64_t id, const std::string& status, UtcMs now);

struct DriverFilter {
    std::optional<std::string> q;       // phone prefix or nickname substring
    std::optional<std::string> status;  // active | disabled
};
// Newest first. Rows have an empty password_hash.
std::vector<DriverRow> list_drivers(soci::session& sql, const DriverFilter& filter, std::int64_t limit,
                                    std::int64_t offset);
std::int64_t count_drivers(soci::session& sql, const DriverFilter& filter);

struct DriverOrderCounts {
    std::int64_t total = 0;
    std::int64_t active = 0;  // starting | charging | stopping
};
DriverOrderCounts count_driver_orders(soci::session& sql, std::int64_t driver_id);

}  // namespace kw::store
