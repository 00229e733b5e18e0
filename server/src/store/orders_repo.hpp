#pragma once
// SQL for orders (charging sessions), their billing samples, applied tx events and connector claims.
// Plain functions over a soci::session; callers own transactions. Worker threads only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "domain/clock.hpp"
#include "domain/order_state.hpp"
#include "domain/tariff.hpp"
#include "store/db.hpp"

namespace kw::store {

struct Order {
    std::int64_t id = 0;
    std::int64_t driver_id = 0;  // 0: a maintenance session started by staff, never billed
    std::int64_t station_id = 0;
    std::int64_t charger_id = 0;
    int connector_no = 0;
    std::string state;
    std::optional<std::string> stop_reason;
    std::optional<std::string> tx_id;
    std::optional<std::int64_t> schedule_id;
    std::string tariff_spec;
    std::string timezone;
    std::optional<std::int64_t> limit_wh, limit_fen, limit_minutes;
    std::optional<std::int64_t> deadline_at;
    std::optional<std::int64_t> meter_start_wh, meter_last_wh, meter_last_at;
    std::int64_t energy_wh = 0, electricity_fen = 0, service_fen = 0, total_fen = 0, paid_fen = 0, refunded_fen = 0;
    std::optional<std::string> breakdown;
    UtcMs created_at = 0;
    std::optional<std::int64_t> started_at, stopped_at, settled_at;
    UtcMs updated_at = 0;
    // Joined for display.
    std::string charger_code;
    std::string station_name;
};

std::int64_t insert_order(soci::session& sql, const Order& o);
// Its statement is kept per pooled connection (store/statement_cache.hpp): the hot read of
// GET /orders/{id} and of every transaction event.
std::optional<Order> find_order(soci::session& sql, std::int64_t id);
// Orders matching the filter, newest first, and the total count.
struct OrderFilter {
    std::optional<std::int64_t> driver_id, station_id, charger_id;
    std::optional<std::string> state;
    std::optional<UtcMs> from, to;  // created_at range [from, to)
    bool active_only = false;
};
std::vector<Order> list_orders(soci::session& sql, const OrderFilter& f, std::int64_t limit, std::int64_t offset,
                               std::int64_t* total);
// Active orders of one charger (state starting/charging/stopping).
std::vector<Order> active_orders_of_charger(soci::session& sql, std::int64_t charger_id);
// Orders in `state` whose deadline passed.
std::vector<std::int64_t> overdue_orders(soci::session& sql, domain::OrderState state, UtcMs now, int limit);
// Active orders whose last meter value (or start) is older than cutoff.
std::vector<Order> silent_active_orders(soci::session& sql, UtcMs cutoff, int limit);

// The only way an order changes state: applies `event` to an order in state `from`, moving it to
// domain::next_state(from, event), conditionally (the row must still be in `from`, so of two
// instances racing only one applies it). Returns the new state; nullopt (and nothing changed) if
// the state machine refuses the event in `from` or the order is no longer in `from`. stop_reason
// is kept when nullopt; the deadline is replaced.
std::optional<domain::OrderState> apply_event(soci::session& sql, std::int64_t id, domain::OrderState from,
                                              domain::OrderEvent event,
                                              const std::optional<domain::StopReason>& stop_reason,
                                              std::optional<UtcMs> deadline, UtcMs now);
// The start reading of an order apply_event moved to charging.
void mark_started(soci::session& sql, std::int64_t id, const std::string& tx_id, std::int64_t meter_start_wh,
                  UtcMs started_at, UtcMs now);
// The stop and settle times of an order apply_event cancelled.
void mark_cancelled(soci::session& sql, std::int64_t id, UtcMs now);
// refunded_fen += amount unless that would exceed paid_fen; false if nothing changed.
bool add_refunded(soci::session& sql, std::int64_t id, std::int64_t amount_fen, UtcMs now);
void update_meter(soci::session& sql, std::int64_t id, std::int64_t wh, UtcMs at);
// The amounts of an order apply_event settled.
struct Settlement {
    std::string stop_reason;
    std::optional<std::string> tx_id;
    std::optional<std::int64_t> meter_start_wh, started_at;
    std::int64_t meter_end_wh = 0;
    UtcMs stopped_at = 0;
    domain::Bill bill;
    std::int64_t paid_fen = 0;
};
void write_settlement(soci::session& sql, std::int64_t id, const Settlement& s, UtcMs now);

void insert_sample(soci::session& sql, std::int64_t order_id, UtcMs at, std::int64_t wh);  // ignores duplicates
std::vector<domain::Sample> samples(soci::session& sql, std::int64_t order_id);

// Whether (charger, tx_id, seq) was applied before.
bool tx_event_recorded(soci::session& sql, std::int64_t charger_id, const std::string& tx_id, std::int64_t seq);
// Records a tx event; false if (charger, tx_id, seq) was applied before.
bool record_tx_event(soci::session& sql, std::int64_t charger_id, const std::string& tx_id, std::int64_t seq,
                     const std::string& kind, UtcMs now);

// Connector and driver claims (see migration 003). claim_* return false if already held.
bool claim_connector(soci::session& sql, std::int64_t charger_id, int connector_no, std::int64_t order_id);
bool claim_driver(soci::session& sql, std::int64_t driver_id, std::int64_t order_id);
// release_claims frees the order's own connector and driver (the ones create_order claimed for it).
void release_claims(soci::session& sql, const Order& order);

}  // namespace kw::store
