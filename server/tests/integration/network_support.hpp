#pragma once
// Helpers of the network slice's integration tests: a blocking MQTT 5 client that reports the
// broker's reason codes, and direct SQL seeding of rows other slices normally write (orders,
// alarms), so the network routes can be tested on their own. Test-body thread only.
#include <mosquitto.h>

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "io_thread.hpp"
#include "process.hpp"
#include "store/db.hpp"

namespace kw::test {

using kw::test::IoThread;

// A blocking MQTT 5 client on plain libmosquitto, to read CONNACK/PUBACK/SUBACK reason codes.
class SyncClient {
  public:
    SyncClient(int port, const std::string& client_id, const std::string& user, const std::string& password) {
        mosquitto_lib_init();
        mosq_ = mosquitto_new(client_id.c_str(), true, this);
        mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
        mosquitto_username_pw_set(mosq_, user.c_str(), password.c_str());
        mosquitto_connect_v5_callback_set(mosq_,
                                          [](mosquitto*, void* self, int rc, int, const mosquitto_property*) {
                                              static_cast<SyncClient*>(self)->connack_ = rc;
                                          });
        mosquitto_publish_v5_callback_set(mosq_,
                                          [](mosquitto*, void* self, int, int rc, const mosquitto_property*) {
                                              static_cast<SyncClient*>(self)->puback_ = rc;
                                          });
        mosquitto_subscribe_v5_callback_set(
            mosq_, [](mosquitto*, void* self, int, int count, const int* granted, const mosquitto_property*) {
                static_cast<SyncClient*>(self)->suback_ = count > 0 ? granted[0] : -1;
            });
        if (mosquitto_connect(mosq_, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS)
            loop_until([&] { return connack_.has_value(); });
    }
    ~SyncClient() {
        mosquitto_disconnect(mosq_);
        mosquitto_destroy(mosq_);
    }
    // CONNACK reason code (0 = accepted); nullopt if none arrived.
    std::optional<int> connack() const { return connack_; }
    std::optional<int> publish_qos1(const std::string& topic, const std::string& payload) {
        puback_.reset();
        mosquitto_publish_v5(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(),
                             1, false, nullptr);
        loop_until([&] { return puback_.has_value(); });
        return puback_;
    }
    std::optional<int> subscribe(const std::string& pattern) {
        suback_.reset();
        mosquitto_subscribe_v5(mosq_, nullptr, pattern.c_str(), 1, 0, nullptr);
        loop_until([&] { return suback_.has_value(); });
        return suback_;
    }

  private:
    template <typename Pred>
    void loop_until(Pred done) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            if (mosquitto_loop(mosq_, 50, 1) != MOSQ_ERR_SUCCESS) {
                if (done()) return;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
    }

    mosquitto* mosq_ = nullptr;
    std::optional<int> connack_, puback_, suback_;
};

// Inserts an order row in `state` (settled ones with settled_at, energy and money). Returns its id.
struct SeedOrder {
    long long driver_id = 1;
    long long station_id = 0;
    long long charger_id = 0;
    int connector_no = 1;
    std::string state = "charging";
    long long energy_wh = 0;
    long long total_fen = 0;
    long long refunded_fen = 0;
    long long created_at = 0;
    std::optional<long long> settled_at;
};

inline long long seed_order(const std::string& db_url, const SeedOrder& o) {
    store::Db db(store::DbConfig{db_url, 1});
    auto s = db.session();
    soci::indicator settled_ind = o.settled_at ? soci::i_ok : soci::i_null;
    long long settled = o.settled_at.value_or(0);
    std::string spec = "{}", tz = "Asia/Shanghai";
    *s << "INSERT INTO orders (driver_id, station_id, charger_id, connector_no, state, tariff_spec, "
          "timezone, "
          "energy_wh, total_fen, paid_fen, refunded_fen, created_at, settled_at, updated_at) VALUES (:d, :s, "
          ":c, "
          ":n, :state, :spec, :tz, :e, :t, :p, :r, :ca, :sa, :ua)",
        soci::use(o.driver_id), soci::use(o.station_id), soci::use(o.charger_id), soci::use(o.connector_no),
        soci::use(o.state), soci::use(spec), soci::use(tz), soci::use(o.energy_wh), soci::use(o.total_fen),
        soci::use(o.total_fen), soci::use(o.refunded_fen), soci::use(o.created_at),
        soci::use(settled, settled_ind), soci::use(o.created_at);
    long long id = 0;
    s->get_last_insert_id("orders", id);
    return id;
}

inline void set_order_state(const std::string& db_url, long long id, const std::string& state) {
    store::Db db(store::DbConfig{db_url, 1});
    auto s = db.session();
    *s << "UPDATE orders SET state = :s WHERE id = :id", soci::use(state), soci::use(id);
}

inline long long seed_alarm(const std::string& db_url, long long charger_id, int connector_no,
                            const std::string& code, long long raised_at,
                            std::optional<long long> cleared_at) {
    store::Db db(store::DbConfig{db_url, 1});
    auto s = db.session();
    soci::indicator cleared_ind = cleared_at ? soci::i_ok : soci::i_null;
    long long cleared = cleared_at.value_or(0);
    std::string severity = "error", message = "alarm " + code;
    *s << "INSERT INTO alarms (charger_id, connector_no, code, severity, message, raised_at, cleared_at) "
          "VALUES "
          "(:c, :n, :code, :sev, :msg, :r, :cl)",
        soci::use(charger_id), soci::use(connector_no), soci::use(code), soci::use(severity),
        soci::use(message), soci::use(raised_at), soci::use(cleared, cleared_ind);
    long long id = 0;
    s->get_last_insert_id("alarms", id);
    return id;
}

// A charger that says hello over MQTT like kilowatt-sim would: boot, heartbeat, every connector's status.
inline bool bring_online(int broker_port, const std::string& code, const std::string& password,
                         int connectors, const std::string& status = "available") {
    SyncClient c(broker_port, code, code, password);
    if (c.connack() != std::optional<int>(0)) return false;
    const std::string ts = "2026-06-01T01:00:00Z";
    c.publish_qos1(
        "kw/v1/" + code + "/boot",
        "{\"vendor\":\"Acme\",\"model\":\"T1\",\"firmware\":\"1.0\",\"kind\":\"AC\",\"rated_w\":7000,"
        "\"connectors\":" +
            std::to_string(connectors) + ",\"boot_id\":\"b1\",\"ts\":\"" + ts + "\"}");
    c.publish_qos1("kw/v1/" + code + "/heartbeat", "{\"ts\":\"" + ts + "\"}");
    for (int n = 1; n <= connectors; ++n)
        c.publish_qos1("kw/v1/" + code + "/status", "{\"connector\":" + std::to_string(n) + ",\"status\":\"" +
                                                        status + "\",\"error\":\"\",\"ts\":\"" + ts + "\"}");
    return true;
}

inline long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace kw::test
