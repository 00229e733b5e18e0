#include "service/running_view.hpp"

#include <gtest/gtest.h>

namespace kw::service {
namespace {

TEST(RunningView, KeepsTheLatestReadingOfEachOrder) {
    RunningView view(true);
    view.put(1, {100, 15, 7000, 1000, 40});
    view.put(2, {5, 1, 3000, 1500, std::nullopt});
    view.put(1, {250, 38, 6900, 2000, 41});
    ASSERT_TRUE(view.get(1));
    EXPECT_EQ(view.get(1)->energy_wh, 250);
    EXPECT_EQ(view.get(1)->soc, 41);
    EXPECT_EQ(view.get(2)->cost_fen, 1);
    EXPECT_FALSE(view.get(3));
    EXPECT_EQ(view.size(), 2u);
}

TEST(RunningView, AnOlderReadingArrivingLateDoesNotReplaceANewerOne) {
    RunningView view(true);
    view.put(1, {250, 38, 6900, 2000, std::nullopt});
    view.put(1, {100, 15, 7000, 1000, std::nullopt});
    EXPECT_EQ(view.get(1)->energy_wh, 250);
    view.put(1, {260, 39, 6800, 2000, std::nullopt});  // same time: the later write stands
    EXPECT_EQ(view.get(1)->energy_wh, 260);
}

TEST(RunningView, AForgottenOrderIsGone) {
    RunningView view(true);
    view.put(1, {250, 38, 6900, 2000, std::nullopt});
    view.forget(1);
    EXPECT_FALSE(view.get(1));
    EXPECT_EQ(view.size(), 0u);
}

TEST(RunningView, AViewTurnedOffKeepsNothing) {
    RunningView view(false);
    EXPECT_FALSE(view.enabled());
    view.put(1, {250, 38, 6900, 2000, std::nullopt});
    EXPECT_FALSE(view.get(1));
    EXPECT_EQ(view.size(), 0u);
}

TEST(RunningView, AnOrderHintIsKeptPerConnectorUntilReplacedOrForgotten) {
    RunningView view(true);
    EXPECT_EQ(view.order_hint("C1", 1), 0);
    view.set_order_hint("C1", 1, 10);
    view.set_order_hint("C1", 2, 20);
    EXPECT_EQ(view.order_hint("C1", 1), 10);
    EXPECT_EQ(view.order_hint("C1", 2), 20);
    EXPECT_EQ(view.order_hint("C11", 1), 0);
    view.set_order_hint("C1", 1, 11);
    EXPECT_EQ(view.order_hint("C1", 1), 11);
    view.set_order_hint("C1", 1, 0);
    EXPECT_EQ(view.order_hint("C1", 1), 0);
}

TEST(RunningView, OrderHintsAreKeptWithTheViewOff) {
    RunningView view(false);  // server.cluster: the hints are checked by every reader, so they stay on
    view.set_order_hint("C1", 1, 10);
    EXPECT_EQ(view.order_hint("C1", 1), 10);
}

}  // namespace
}  // namespace kw::service
