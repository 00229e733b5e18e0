// Meter samples applied as one batch (service::apply_meter_samples, what the MQTT inbox does with the
// samples a device worker finds queued) decide exactly what the same samples applied one by one
// decide: the same outcomes, running state, live values and billing samples; a bad sample fails
// alone. An app::Context is built in-process over real SQLite (migrations applied) and real Redis,
// so the batch is exactly the one given (over MQTT, how samples group depends on timing).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/context.hpp"
#include "device/mqtt/client.hpp"
#include "device/mqtt/dynsec.hpp"
#include "device/mqtt/inbox.hpp"
#include "device/mqtt/mqtt_commands.hpp"
#include "domain/clock.hpp"
#include "domain/error.hpp"
#include "io_thread.hpp"
#include "live/redis.hpp"
#include "live/state.hpp"
#include "metrics/registry.hpp"
#include "metrics/server_metrics.hpp"
#include "service/charger_events.hpp"
#include "service/password_pool.hpp"
#include "service/payments.hpp"
#include "service/running.hpp"
#include "service/running_view.hpp"
#include "service/sms.hpp"
#include "service/session_cache.hpp"
#include "service/station_directory.hpp"
#include "service/status_cache.hpp"
#include "service/tariff_cache.hpp"
#include "services.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/drivers_repo.hpp"
#include "store/orders_repo.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"
#include "store/wallet_repo.hpp"
#include "ws/hub.hpp"

namespace kw {
namespace {

using Result = service::MeterOutcome::Result;
namespace json = boost::json;

constexpr UtcMs kT0 = 1'780'000'000'000;  // 2026-05-28T20:26:40Z
constexpr char kTariff[] =
    R"({"prices":{"flat":{"electricity":10000,"service":5000}},"periods":[["00:00","24:00","flat"]]})";
constexpr std::int64_t kStartWh = 125'000;
constexpr std::int64_t kMaxW = 60'000;

app::Config make_config(int redis_port) {
    app::Config c;
    c.redis.port = redis_port;
    c.orders.persist_interval_s = 5;  // most accepted samples below are billing samples
    return c;
}

live::RedisConfig redis_config(int port, metrics::Histogram& round_trips) {
    live::RedisConfig r;
    r.port = port;
    r.pool_size = 2;
    r.command_seconds = &round_trips;
    return r;
}

class MeterBatch : public ::testing::Test {
  protected:
    MeterBatch() {
        db_.migrate();
        auto s = db_.session();
        tariff_ = store::insert_tariff(*s, "flat", kTariff, kT0);
        store::StationRow station;
        station.name = "Batch station";
        station.address = "1 Test Road";
        station.lng = 121.47;
        station.lat = 31.23;
        station.timezone = "Asia/Shanghai";
        station.opening_hours = "00:00-24:00";
        station.tariff_id = tariff_;
        station_ = store::insert_station(*s, station, kT0);
        driver_ = store::insert_driver(*s, "13800000002", "unused-hash", "batch", kT0);
        store::add_to_balance(*s, driver_, 100'000, kT0);
    }

    // A booted charger with two connectors and a session running on connector 1; its order id.
    std::int64_t charging(const std::string& code) {
        store::Order o;
        {
            auto s = db_.session();
            store::ChargerRow charger;
            charger.code = code;
            charger.station_id = station_;
            charger.name = code;
            charger.kind = "DC";
            charger.rated_w = kMaxW;
            const std::int64_t charger_id = store::insert_charger(*s, charger, kT0);
            store::insert_connector(*s, charger_id, 1, kMaxW);
            store::insert_connector(*s, charger_id, 2, kMaxW);
            o.driver_id = driver_;
            o.station_id = station_;
            o.charger_id = charger_id;
            o.connector_no = 1;
            o.state = "charging";
            o.tariff_spec = kTariff;
            o.timezone = "Asia/Shanghai";
            o.created_at = o.updated_at = kT0;
            o.id = store::insert_order(*s, o);
        }
        live_.set_boot(code, "boot-1", kT0, station_, "vendor", "model", "1.0");
        service::running_begin(ctx_, o, kStartWh, kT0, 100'000, kMaxW);
        live_.set_connector_order(code, 1, o.id, "T-" + std::to_string(o.id));
        return o.id;
    }

    // Every case the meter path knows, in one charger's order; `code` must be charging().
    static std::vector<device::MeterSample> samples(const std::string& code) {
        auto at = [](long long s) { return kT0 + s * 1000; };
        return {
            {code, 1, kStartWh + 50, 30'000, 400, 75, 20, at(10)},      // accepted
            {code, 1, kStartWh + 50, 1'000, 400, 2.5, 20, at(5)},       // older: stale
            {code, 1, kStartWh + 90'000, 30'000, 400, 75, 21, at(12)},  // faster than 60 kW: refused
            {code, 1, kStartWh + 40, 30'000, 400, 75, 21, at(12)},      // backwards: refused
            {code, 1, kStartWh + 120, 29'000, 400, 72, 22, at(20)},     // judged after the first: accepted
            {code, 1, kStartWh + 120, 29'000, 400, 72, 22, at(20)},     // a repeat: stale
            {"NEVER-BOOTED", 1, 10, 0, 0, 0, std::nullopt, at(20)},     // before boot: fails alone
            {code, 99, 10, 0, 0, 0, std::nullopt, at(20)},              // unknown connector: fails alone
            {code, 2, 777, 0, 230, 0, std::nullopt, at(21)},            // no session: live values only
            {code, 1, kStartWh + 200, 28'000, 400, 70, 23, at(30)},     // accepted
        };
    }

    struct Seen {
        std::vector<Result> results;
        std::vector<std::string> errors;  // errc name of a failed sample, else ""
    };
    static void record(Seen& seen, const service::MeterOutcome& outcome) {
        seen.results.push_back(outcome.result);
        std::string errc;
        if (outcome.error) {
            try {
                std::rethrow_exception(outcome.error);
            } catch (const Error& e) {
                errc = errc_name(e.errc());
            } catch (const std::exception& e) {
                errc = e.what();
            }
        }
        seen.errors.push_back(errc);
    }

    // The running state, the live connectors and the billing samples: what a sample may change.
    struct State {
        std::map<std::string, std::string> running;
        std::int64_t live_wh_1 = 0, live_power_1 = 0, live_wh_2 = 0;
        std::vector<std::pair<UtcMs, std::int64_t>> billing;
        std::optional<std::int64_t> meter_last_wh;
        bool operator==(const State&) const = default;
    };
    State state(const std::string& code, std::int64_t order_id) {
        State out;
        out.running = service::running_read(ctx_, {order_id}).at(0);
        const auto connectors = live_.connectors(code, 2);
        out.live_wh_1 = connectors.at(0).energy_wh;
        out.live_power_1 = connectors.at(0).power_w;
        out.live_wh_2 = connectors.at(1).energy_wh;
        auto s = db_.session();
        for (const auto& sample : store::samples(*s, order_id)) out.billing.emplace_back(sample.at - kT0, sample.wh);
        out.meter_last_wh = store::find_order(*s, order_id)->meter_last_wh;
        return out;
    }

    test::TempDir dir_{"kw-batch"};
    test::RedisServer redis_server_;
    test::IoThread io_;
    app::Config config_ = make_config(redis_server_.port());
    ManualClock clock_{kT0};
    store::Db db_{store::DbConfig{"sqlite:" + dir_.file("kw.db"), 1}};
    metrics::Histogram round_trips_{metrics::latency_buckets()};  // every Redis round trip, timed
    live::Redis redis_{redis_config(redis_server_.port(), round_trips_)};
    live::LiveState live_{redis_, config_.redis.prefix};
    ws::Hub hub_{io_.executor()};
    // No stop is asked in these tests: the command sender's client is never started.
    kw::mqtt::MqttClient server_mqtt_{io_.executor(), kw::mqtt::Options{}};
    device::mqtt::MqttCommands commands_sender_{server_mqtt_};
    device::mqtt::NoBrokerAccounts broker_accounts_;
    service::NoPayments payments_;
    service::NoSms sms_;
    service::PasswordPool passwords_{1, 4};
    service::StatusCache account_status_{5000};
    service::SessionCache sessions_{5000, true};
    const std::string token_key_ = "batch-test-key";
    service::TariffCache tariffs_;
    service::StationDirectory station_directory_{1000};
    service::RunningView running_view_{true};
    app::Context ctx_{config_,   clock_, db_,        redis_,          hub_,       commands_sender_, broker_accounts_,
                      payments_, sms_,   passwords_, account_status_, sessions_, token_key_, tariffs_, station_directory_,
                      running_view_};
    std::int64_t tariff_ = 0, station_ = 0, driver_ = 0;
};

TEST_F(MeterBatch, OneBatchDecidesEverySampleAsTheSameSamplesAppliedOneByOne) {
    const std::int64_t batched = charging("BATCH-ALL");
    const std::int64_t single = charging("BATCH-ONE");

    Seen seen_batch, seen_single;
    for (const auto& outcome : service::apply_meter_samples(ctx_, samples("BATCH-ALL"))) record(seen_batch, outcome);
    for (const auto& sample : samples("BATCH-ONE")) record(seen_single, service::apply_meter_samples(ctx_, {sample}).at(0));

    const std::vector<Result> expected = {Result::applied, Result::stale,   Result::refused, Result::refused,
                                          Result::applied, Result::stale,   Result::applied, Result::applied,
                                          Result::applied, Result::applied};
    EXPECT_EQ(seen_batch.results, expected);
    EXPECT_EQ(seen_batch.errors, (std::vector<std::string>{"", "", "", "", "", "", "conflict", "bad_request", "", ""}));
    EXPECT_EQ(seen_single.results, seen_batch.results);
    EXPECT_EQ(seen_single.errors, seen_batch.errors);

    const State b = state("BATCH-ALL", batched), s = state("BATCH-ONE", single);
    EXPECT_EQ(b.running.at("last_wh"), std::to_string(kStartWh + 200));
    EXPECT_EQ(b.live_wh_1, kStartWh + 200);
    EXPECT_EQ(b.live_power_1, 28'000);
    EXPECT_EQ(b.live_wh_2, 777);
    EXPECT_EQ(b.meter_last_wh, kStartWh + 200);
    // Billing samples every 5 s at least: the accepted readings at 10 s, 20 s and 30 s.
    EXPECT_EQ(b.billing, (std::vector<std::pair<UtcMs, std::int64_t>>{
                             {10'000, kStartWh + 50}, {20'000, kStartWh + 120}, {30'000, kStartWh + 200}}));
    EXPECT_EQ(b.running, s.running);
    EXPECT_TRUE(b == s) << "batched and one-by-one sessions differ";
}

// The running state is read in the connector's round trip when the connector's last reading here
// named the same order (RunningView::order_hint): one round trip fewer per batch. A hint naming
// another order is checked against the connector: it costs the second read, and nothing else.
TEST_F(MeterBatch, TheRunningStateIsReadWithTheConnectorWhenTheHintNamesItsOrder) {
    const std::int64_t a = charging("HINT-A");
    const std::int64_t b = charging("HINT-B");
    const auto b_before = state("HINT-B", b);
    auto round_trips = [&](std::int64_t wh, long long seconds) {
        const auto before = round_trips_.snapshot().cumulative.back();
        const device::MeterSample sample{"HINT-A", 1, kStartWh + wh, 30'000, 400, 75, 20, kT0 + seconds * 1000};
        const auto outcome = service::apply_meter_samples(ctx_, {sample}).at(0);
        EXPECT_FALSE(outcome.error);
        EXPECT_EQ(outcome.result, Result::applied);
        return round_trips_.snapshot().cumulative.back() - before;
    };
    running_view_.set_order_hint("HINT-A", 1, b);  // out of date: another session's order
    const auto with_wrong_hint = round_trips(50, 10);
    EXPECT_EQ(running_view_.order_hint("HINT-A", 1), a);
    const auto with_right_hint = round_trips(100, 20);
    EXPECT_EQ(with_wrong_hint - with_right_hint, 1u);
    EXPECT_EQ(state("HINT-A", a).running.at("last_wh"), std::to_string(kStartWh + 100));
    EXPECT_TRUE(state("HINT-B", b) == b_before) << "the hinted order's session changed";
}

// A drain of the device inbox (device/mqtt/inbox.cpp) applies the meter samples of every charger in
// it as one batch, whatever other chargers' messages lie between them, and keeps each charger's own
// order: a sample sent before its charger's boot is refused, one sent after it is applied.
TEST_F(MeterBatch, ADrainBatchesAcrossOtherChargersMessagesAndKeepsEachChargersOrder) {
    const std::string a = "DRAIN-A";
    std::string n;  // a charger whose messages share A's slot
    for (int i = 0; n.empty(); ++i)
        if (device::mqtt::Inbox::slot_index("DRAIN-N" + std::to_string(i)) == device::mqtt::Inbox::slot_index(a))
            n = "DRAIN-N" + std::to_string(i);
    const std::int64_t order_a = charging(a);
    const std::int64_t order_n = charging(n);
    redis_.command({"DEL", config_.redis.prefix + "charger:" + n});  // N has not booted (yet)

    metrics::Registry registry;
    metrics::DeviceMetrics metrics(registry);
    boost::asio::io_context workers;  // not run until every message is queued: one drain takes them all
    device::mqtt::Inbox inbox(ctx_, metrics, workers.get_executor(), nullptr);
    auto meter = [](std::int64_t wh, long long seconds) {
        return json::serialize(json::object{
            {"connector", 1}, {"energy_wh", kStartWh + wh}, {"power_w", 30'000}, {"ts", format_utc(kT0 + seconds * 1000)}});
    };
    // N's first sample comes before its boot (refused), its second after it (applied).
    inbox.on_message(kw::mqtt::Message{.topic = "kw/v1/" + n + "/meter", .payload = meter(30, 5)});
    inbox.on_message(kw::mqtt::Message{.topic = "kw/v1/" + a + "/meter", .payload = meter(50, 10)});
    inbox.on_message(kw::mqtt::Message{.topic = "kw/v1/" + n + "/boot", .payload = R"({"boot_id":"boot-2"})"});
    inbox.on_message(kw::mqtt::Message{.topic = "kw/v1/" + a + "/meter", .payload = meter(120, 20)});
    inbox.on_message(kw::mqtt::Message{.topic = "kw/v1/" + n + "/meter", .payload = meter(60, 15)});
    workers.run();

    const auto batches = metrics.meter_batch.snapshot();
    EXPECT_EQ(batches.cumulative.back(), 2u);
    EXPECT_EQ(batches.cumulative.at(0), 1u) << "N's sample after its boot";
    EXPECT_EQ(batches.cumulative.at(1), 1u) << "N's first sample and both of A's: one batch of three";
    const std::string text = registry.render();
    EXPECT_NE(text.find(R"(kw_device_messages_total{kind="meter",result="rejected"} 1)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"(kw_device_messages_total{kind="meter",result="applied"} 3)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"(kw_device_messages_total{kind="boot",result="applied"} 1)"), std::string::npos) << text;
    EXPECT_EQ(state(a, order_a).running.at("last_wh"), std::to_string(kStartWh + 120));
    EXPECT_EQ(state(n, order_n).running.at("last_wh"), std::to_string(kStartWh + 60));
}

// The meter path reads the hashes it needs with HMGET, naming the fields (service/running.cpp,
// live/state.cpp): a field written to the running state but left out of that list would be lost
// at the next reading. The read must hold every field the hash holds.
TEST_F(MeterBatch, TheRunningReadReturnsEveryFieldTheRunningStateHolds) {
    const std::int64_t order = charging("READ-ALL");
    const device::MeterSample sample{"READ-ALL", 1, kStartWh + 50, 30'000, 400, 75, 20, kT0 + 10'000};
    ASSERT_FALSE(service::apply_meter_samples(ctx_, {sample}).at(0).error);
    const auto whole = redis_.command({"HGETALL", config_.redis.prefix + "order:" + std::to_string(order)});
    std::map<std::string, std::string> hash;
    for (std::size_t i = 0; i + 1 < whole.elements.size(); i += 2)
        hash[whole.elements[i].str] = whole.elements[i + 1].str;
    ASSERT_GT(hash.size(), 20u);
    EXPECT_EQ(service::running_read(ctx_, {order}).at(0), hash);
}

TEST_F(MeterBatch, TheBatchReadOfAChargerAndItsConnectorSeesWhatTheirHashesHold) {
    charging("READ-LIVE");
    const device::MeterSample sample{"READ-LIVE", 1, kStartWh + 50, 30'000, 400.5, 75.25, 20, kT0 + 10'000};
    ASSERT_FALSE(service::apply_meter_samples(ctx_, {sample}).at(0).error);
    live_.set_clock_offset("READ-LIVE", -1500);
    live_.mark_seen("READ-LIVE", kT0 + 1000, 60);
    live_.set_connector_status("READ-LIVE", 1, "charging", kT0 + 2000);

    const auto read = live_.chargers_and_connectors({{"READ-LIVE", 1}}).at(0);
    const live::ChargerLive& charger = read.first;
    const live::ConnectorLive& connector = read.second;
    EXPECT_TRUE(charger.online);
    EXPECT_EQ(charger.last_seen, kT0 + 1000);
    EXPECT_EQ(charger.boot_id, "boot-1");
    EXPECT_EQ(charger.station_id, station_);
    EXPECT_EQ(charger.clock_offset_ms, -1500);
    EXPECT_EQ(connector.status, "charging");
    EXPECT_EQ(connector.power_w, 30'000);
    EXPECT_EQ(connector.energy_wh, kStartWh + 50);
    EXPECT_EQ(connector.voltage_v, 400.5);
    EXPECT_EQ(connector.current_a, 75.25);
    EXPECT_EQ(connector.soc, 20);
    EXPECT_GT(connector.at, 0);
    EXPECT_NE(connector.order_id, 0);
    EXPECT_EQ(connector.tx_id, "T-" + std::to_string(connector.order_id));

    const auto never = live_.chargers_and_connectors({{"READ-NEVER", 1}}).at(0);
    EXPECT_FALSE(never.first.online);
    EXPECT_TRUE(never.first.boot_id.empty());
    EXPECT_FALSE(never.first.clock_offset_ms);
    EXPECT_EQ(never.second.status, "unknown");
    EXPECT_FALSE(never.second.soc);
    EXPECT_EQ(never.second.order_id, 0);
}

// However many samples of one connector a batch holds, it writes the connector's hash and the
// session's once (live::merge_hsets), and leaves them as its samples applied one by one would (the
// first test above).
TEST_F(MeterBatch, ABatchWritesTheConnectorsAndTheSessionsHashOnceForAllItsSamples) {
    charging("WRITE-ONCE");
    auto hsets = [&] {
        const std::string info = redis_.command({"INFO", "commandstats"}).str;
        const auto at = info.find("cmdstat_hset:calls=");
        return at == std::string::npos ? 0L : std::stol(info.substr(at + 19));
    };
    std::vector<device::MeterSample> batch;
    for (int k = 1; k <= 5; ++k)
        batch.push_back({"WRITE-ONCE", 1, kStartWh + 10 * k, 30'000, 400, 75, 20, kT0 + k * 1000});
    const long before = hsets();
    for (const auto& outcome : service::apply_meter_samples(ctx_, batch)) {
        EXPECT_FALSE(outcome.error);
        EXPECT_EQ(outcome.result, Result::applied);
    }
    EXPECT_EQ(hsets() - before, 2) << "one HSET for the connector and one for the session";
    EXPECT_EQ(live_.connector("WRITE-ONCE", 1).energy_wh, kStartWh + 50);
}

// Without a session nothing else judges a reading: one not after the connector's live values (kept
// while the charger was offline and sent after newer ones) is stale and changes nothing.
TEST_F(MeterBatch, AnOlderReadingWithoutASessionLeavesTheConnectorsLiveValuesAsTheyAre) {
    charging("IDLE-LATE");  // connector 2 has no session
    clock_.set(kT0 + 60'000);
    const device::MeterSample newer{"IDLE-LATE", 2, 900, 7'000, 230, 30, std::nullopt, kT0 + 30'000};
    device::MeterSample older{"IDLE-LATE", 2, 800, 1'000, 230, 4, std::nullopt, kT0 + 20'000};
    older.queued = true;
    const auto together = service::apply_meter_samples(ctx_, {newer, older});  // one batch
    EXPECT_FALSE(together.at(0).error);
    EXPECT_EQ(together.at(0).result, Result::applied);
    EXPECT_EQ(together.at(1).result, Result::stale);
    const auto later = service::apply_meter_samples(ctx_, {older}).at(0);  // a batch of its own
    EXPECT_FALSE(later.error);
    EXPECT_EQ(later.result, Result::stale);
    const live::ConnectorLive c = live_.connector("IDLE-LATE", 2);
    EXPECT_EQ(c.energy_wh, 900);
    EXPECT_EQ(c.power_w, 7'000);
    EXPECT_EQ(c.at, kT0 + 30'000);
}

}  // namespace
}  // namespace kw
