#pragma once
// Charger use cases besides create/delete/credentials (service/network): the drivers' view of one
// charger (with its station and current price), the staff list and detail, edits of a charger and
// of its connectors (each with an audit row in the same transaction). Each call opens and releases
// its own session. Worker threads only.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "domain/tariff.hpp"
#include "service/network.hpp"
#include "service/paged.hpp"
#include "store/alarms_repo.hpp"
#include "store/chargers_repo.hpp"
#include "store/stations_repo.hpp"

namespace kw::service {

inline constexpr int kMaxConnectors = 8;

// Connector numbers are 1..kMaxConnectors; a connector's max_w is 1..the charger's rated_w.
// kw::Error(bad_request) starting with `where` otherwise.
int check_connector_number(std::int64_t n, const std::string& where);
std::int64_t check_max_w(std::int64_t w, std::int64_t rated_w, const std::string& where);

struct PublicCharger {
    ChargerView view;
    std::optional<store::StationRow> station;
    std::shared_ptr<const domain::Tariff> tariff;  // the station's; null without one
};
std::optional<PublicCharger> find_public_charger(app::Context& ctx, const std::string& code);

// The stored row only (the broker hooks check the password hash).
std::optional<store::ChargerRow> find_charger_by_code(app::Context& ctx, const std::string& code);

// online: filter on the live flag (known to Redis only, so every match is loaded first).
Paged<ChargerView> list_chargers(app::Context& ctx, const store::ChargerFilter& filter, std::optional<bool> online,
                                 std::int64_t limit, std::int64_t offset);

// With last_seen; kw::Error(not_found) without such a charger.
ChargerView admin_charger(app::Context& ctx, std::int64_t id);
struct ChargerDetail {
    ChargerView view;
    std::vector<store::AlarmRow> recent_alarms;  // newest first
};
ChargerDetail charger_detail(app::Context& ctx, std::int64_t id, std::int64_t alarm_limit);

// `edit` applies the request onto the row (parsing and validating, no I/O); the service then checks
// the station exists and that rated_w still covers every connector (bad_request), writes and audits.
using ChargerEdit = std::function<void(store::ChargerRow&)>;
void update_charger(app::Context& ctx, std::int64_t employee_id, std::int64_t id, const ChargerEdit& edit);

// number: checked by the caller; absent takes the lowest free one. max_w absent: rated_w.
// kw::Error(limit_reached) with kMaxConnectors already, already_exists for a taken number.
void add_connector(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id, std::optional<int> number,
                   std::optional<std::int64_t> max_w);
void update_connector(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id, int number,
                      std::int64_t max_w);
// kw::Error(in_use) while an order on it is active.
void delete_connector(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id, int number);

}  // namespace kw::service
