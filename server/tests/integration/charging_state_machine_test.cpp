// The order state machine is enforced where orders change: store::apply_event asks
// domain::next_state for the target, so production cannot move an order anywhere the table does not
// allow, and an event refused in the current state changes nothing in SQL.
#include <gtest/gtest.h>

#include "charging_helpers.hpp"
#include "network_support.hpp"
#include "store/db.hpp"
#include "store/orders_repo.hpp"

namespace kw::test {
namespace {

using domain::OrderEvent;
using domain::OrderState;

constexpr OrderState kStates[] = {OrderState::starting, OrderState::charging, OrderState::stopping,
                                  OrderState::settled, OrderState::cancelled};
constexpr OrderEvent kEvents[] = {OrderEvent::start_accepted, OrderEvent::tx_started,   OrderEvent::stop_requested,
                                  OrderEvent::tx_ended,       OrderEvent::start_rejected, OrderEvent::start_timeout,
                                  OrderEvent::stop_timeout,   OrderEvent::charger_lost};

std::string stored_state(store::Db& db, long long id) {
    auto s = db.session();
    return store::find_order(*s, id)->state;
}

TEST(ChargingStateMachine, EveryEventMovesAnOrderExactlyAsTheTableSays) {
    Stack stack;
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(8000, 4000)));
    const auto charger = stack.create_charger(station, "SM-1");
    store::Db db(store::DbConfig{stack.db_url(), 1});
    int applied = 0, refused = 0;
    for (OrderState from : kStates) {
        for (OrderEvent event : kEvents) {
            const std::string label = std::string(to_string(from)) + " --" + std::string(to_string(event)) + "-->";
            const long long id = seed_order(stack.db_url(), {.driver_id = 0,
                                                            .station_id = station,
                                                            .charger_id = charger.id,
                                                            .state = std::string(to_string(from)),
                                                            .created_at = now_ms()});
            std::optional<OrderState> got;
            {
                auto s = db.session();
                got = store::apply_event(*s, id, from, event, domain::StopReason::other, std::nullopt, now_ms());
            }
            const std::optional<OrderState> want = domain::next_state(from, event);
            ASSERT_EQ(got, want) << label;
            if (want) {
                EXPECT_EQ(stored_state(db, id), to_string(*want)) << label;
                ++applied;
            } else {
                EXPECT_EQ(stored_state(db, id), to_string(from)) << label << " changed a refused order";
                ++refused;
            }
        }
    }
    EXPECT_EQ(applied, 13);
    EXPECT_EQ(refused, 5 * 8 - 13);
}

TEST(ChargingStateMachine, AnEventForAStateTheOrderLeftChangesNothing) {
    Stack stack;
    const long long station = stack.create_station(stack.create_tariff(flat_tariff(8000, 4000)));
    const auto charger = stack.create_charger(station, "SM-2");
    store::Db db(store::DbConfig{stack.db_url(), 1});
    // Another instance settled it meanwhile: a stop for the charging order it was is refused.
    const long long id = seed_order(stack.db_url(), {.driver_id = 0,
                                                    .station_id = station,
                                                    .charger_id = charger.id,
                                                    .state = "settled",
                                                    .created_at = now_ms()});
    auto s = db.session();
    EXPECT_FALSE(store::apply_event(*s, id, OrderState::charging, OrderEvent::stop_requested,
                                    domain::StopReason::driver, now_ms() + 1000, now_ms()));
    const auto o = store::find_order(*s, id);
    EXPECT_EQ(o->state, "settled");
    EXPECT_FALSE(o->stop_reason.has_value());
}

}  // namespace
}  // namespace kw::test
