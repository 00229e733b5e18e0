// Time-based promises kept by service::sweep run on the injected clock: the test moves a ManualClock
// instead of sleeping, and checks the exact millisecond each promise is kept. An app::Context is built
// in-process over real SQLite (migrations applied), real Redis, and the real MQTT command sender
// against a real Mosquitto; a second MQTT client stands in for the charger and sees the commands.
// No charger ever answers, which is what a start timeout needs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/context.hpp"
#include "device/mqtt/client.hpp"
#include "device/mqtt/dynsec.hpp"
#include "device/mqtt/mqtt_commands.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/clock.hpp"
#include "io_thread.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "service/orders.hpp"
#include "service/password_pool.hpp"
#include "service/payments.hpp"
#include "service/schedules.hpp"
#include "service/sms.hpp"
#include "service/session_cache.hpp"
#include "service/running_view.hpp"
#include "service/station_directory.hpp"
#include "service/status_cache.hpp"
#include "service/tariff_cache.hpp"
#include "service/sweeper.hpp"
#include "services.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/drivers_repo.hpp"
#include "store/orders_repo.hpp"
#include "store/schedules_repo.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"
#include "store/wallet_repo.hpp"
#include "ws/hub.hpp"

namespace kw {
namespace {

using kw::test::eventually;

constexpr UtcMs kT0 = 1'780'000'000'000;  // 2026-05-28T20:26:40Z
constexpr char kCode[] = "CLOCK-0001";

app::Config make_config(int redis_port, int mqtt_port) {
    app::Config c;
    c.redis.port = redis_port;
    c.mqtt.port = mqtt_port;
    c.mqtt.password = "server-secret";
    c.orders.start_timeout_s = 30;
    return c;
}

live::RedisConfig redis_config(int port) {
    live::RedisConfig r;
    r.port = port;
    r.pool_size = 2;
    return r;
}

kw::mqtt::Options mqtt_options(int port, const std::string& user, const std::string& password) {
    kw::mqtt::Options o;
    o.port = port;
    o.client_id = user;
    o.username = user;
    o.password = password;
    return o;
}

class SweepOnManualClock : public ::testing::Test {
  protected:
    SweepOnManualClock() {
        mosquitto_.create_client("kilowatt", "server-secret", test::Mosquitto::all_topics());
        mosquitto_.create_client("charger", "charger-secret", test::Mosquitto::all_topics());
        db_.migrate();
        charger_.on_message([this](const kw::mqtt::Message& m) {
            std::lock_guard lock(mutex_);
            commands_.push_back(m.payload);
        });
        charger_.subscribe(device::mqtt::command_topic(kCode), 1);
        charger_.start();
        server_mqtt_.start();
        // The charger's subscription is active once it receives its own message on the topic.
        EXPECT_TRUE(eventually([&] { return charger_.connected() && server_mqtt_.connected(); }));
        charger_.publish(device::mqtt::command_topic(kCode), R"({"cmd":"probe"})", 1);
        EXPECT_TRUE(eventually([&] { return commands_seen() == 1; }));
        seed();
    }

    // A tariff, a station, a charger with one connector, a driver with 100 yuan; the charger is
    // online with its connector available.
    void seed() {
        auto s = db_.session();
        const std::int64_t tariff = store::insert_tariff(
            *s, "flat",
            R"({"prices":{"flat":{"electricity":10000,"service":5000}},"periods":[["00:00","24:00","flat"]]})", kT0);
        store::StationRow station;
        station.name = "Clock station";
        station.address = "1 Test Road";
        station.lng = 121.47;
        station.lat = 31.23;
        station.timezone = "Asia/Shanghai";
        station.opening_hours = "00:00-24:00";
        station.tariff_id = tariff;
        store::ChargerRow charger;
        charger.code = kCode;
        charger.station_id = store::insert_station(*s, station, kT0);
        charger.name = kCode;
        charger.kind = "AC";
        charger.rated_w = 7000;
        store::insert_connector(*s, store::insert_charger(*s, charger, kT0), 1, 7000);
        driver_ = store::insert_driver(*s, "13800000001", "unused-hash", "clock", kT0);
        store::add_to_balance(*s, driver_, 10'000, kT0);
        live_.mark_seen(kCode, kT0, 3600);
        live_.set_connector_status(kCode, 1, "available", kT0);
    }

    // One sweep at the clock's time by a charger that keeps heartbeating (so presence stays online).
    void sweep_at(UtcMs t) {
        clock_.set(t);
        live_.mark_seen(kCode, t, 3600);
        service::sweep(ctx_);
    }

    std::vector<store::Order> orders_of_driver() {
        auto s = db_.session();
        store::OrderFilter f;
        f.driver_id = driver_;
        return store::list_orders(*s, f, 100, 0, nullptr);
    }

    store::ScheduleRow schedule(std::int64_t id) {
        auto s = db_.session();
        return *store::find_schedule(*s, id, driver_);
    }

    std::size_t commands_seen() {
        std::lock_guard lock(mutex_);
        return commands_.size();
    }

    std::size_t start_commands_for(std::int64_t order_id) {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& text : commands_) {
            const auto cmd = boost::json::parse(text).as_object();
            const auto* name = cmd.if_contains("cmd");
            const auto* order = cmd.if_contains("order_id");
            if (name && name->is_string() && name->get_string() == "start" && order &&
                order->to_number<std::int64_t>() == order_id)
                ++n;
        }
        return n;
    }

    test::TempDir dir_{"kw-clock"};
    // Declared before the MQTT clients so they outlive them: the charger's on_message callback runs on
    // the I/O thread and may still be delivering the last start command while the fixture is torn
    // down (destroying these first was a double free, seen once in 20 repeated runs).
    std::int64_t driver_ = 0;
    std::mutex mutex_;
    std::vector<std::string> commands_;
    test::RedisServer redis_server_;
    test::Mosquitto mosquitto_;
    test::IoThread io_;
    app::Config config_ = make_config(redis_server_.port(), mosquitto_.port());
    ManualClock clock_{kT0};
    store::Db db_{store::DbConfig{"sqlite:" + dir_.file("kw.db"), 1}};
    live::Redis redis_{redis_config(redis_server_.port())};
    live::LiveState live_{redis_, config_.redis.prefix};
    ws::Hub hub_{io_.executor()};
    kw::mqtt::MqttClient server_mqtt_{io_.executor(),
                                      mqtt_options(mosquitto_.port(), "kilowatt", "server-secret")};
    kw::mqtt::MqttClient charger_{io_.executor(), mqtt_options(mosquitto_.port(), "charger", "charger-secret")};
    device::mqtt::MqttCommands commands_sender_{server_mqtt_};
    device::mqtt::NoBrokerAccounts broker_accounts_;
    service::NoPayments payments_;
    service::NoSms sms_;
    service::PasswordPool passwords_{1, 4};
    service::StatusCache account_status_{5000};
    service::SessionCache sessions_{5000, true};
    const std::string token_key_ = "clock-test-key";
    service::TariffCache tariffs_;
    service::StationDirectory station_directory_{1000};
    service::RunningView running_view_{true};
    app::Context ctx_{config_,   clock_, db_,        redis_,          hub_,       commands_sender_, broker_accounts_,
                      payments_, sms_,   passwords_, account_status_, sessions_, token_key_, tariffs_, station_directory_,
                      running_view_};
};

TEST_F(SweepOnManualClock, ScheduleFiresOnceWhenTheClockReachesItsTimeAndNotBefore) {
    const UtcMs start_at = kT0 + 10 * 60'000;
    service::ScheduleRequest req;
    req.driver_id = driver_;
    req.charger_code = kCode;
    req.connector = 1;
    req.start_at = start_at;
    const std::int64_t id = service::create_schedule(ctx_, req)["id"].to_number<std::int64_t>();

    sweep_at(kT0);
    sweep_at(start_at - 1);
    EXPECT_EQ(schedule(id).state, "pending");
    EXPECT_TRUE(orders_of_driver().empty());

    sweep_at(start_at);
    const auto fired = schedule(id);
    EXPECT_EQ(fired.state, "fired");
    auto orders = orders_of_driver();
    ASSERT_EQ(orders.size(), 1u);
    EXPECT_EQ(fired.order_id, orders[0].id);
    EXPECT_EQ(orders[0].schedule_id, id);
    EXPECT_EQ(orders[0].created_at, start_at);

    sweep_at(start_at + 1);
    sweep_at(start_at + 5'000);
    EXPECT_EQ(schedule(id).state, "fired");
    EXPECT_EQ(orders_of_driver().size(), 1u);
    // The charger was told to start exactly that order.
    EXPECT_TRUE(eventually([&] { return start_commands_for(orders[0].id) == 1; }));
}

TEST_F(SweepOnManualClock, UnconfirmedStartIsCancelledWhenTheClockPassesItsDeadlineAndNotBefore) {
    service::StartRequest req;
    req.driver_id = driver_;
    req.charger_code = kCode;
    req.connector = 1;
    const store::Order started = service::start_order(ctx_, req);
    ASSERT_EQ(started.state, "starting");
    const UtcMs deadline = kT0 + 30'000;
    EXPECT_EQ(started.deadline_at, deadline);
    EXPECT_TRUE(eventually([&] { return start_commands_for(started.id) == 1; }));

    sweep_at(kT0 + 1'000);
    sweep_at(deadline);
    EXPECT_EQ(orders_of_driver().at(0).state, "starting");

    sweep_at(deadline + 1);
    const store::Order cancelled = orders_of_driver().at(0);
    EXPECT_EQ(cancelled.state, "cancelled");
    EXPECT_EQ(cancelled.stop_reason, "start_timeout");
    {
        auto s = db_.session();
        EXPECT_EQ(store::read_balance(*s, driver_), 10'000) << "a start that never happened costs nothing";
    }
    // The connector and the driver are free again: the next start is accepted.
    clock_.set(deadline + 2);
    EXPECT_EQ(service::start_order(ctx_, req).state, "starting");
}

}  // namespace
}  // namespace kw
