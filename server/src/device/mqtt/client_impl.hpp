#pragma once
// The inside of MqttClient (client.hpp), shared by its three files: client.cpp (construction and
// the public operations), client_connection.cpp (socket watching, keepalive, reconnect) and
// client_callbacks.cpp (libmosquitto's callbacks). Private to device/mqtt.
#include <mosquitto.h>

#include <atomic>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "device/mqtt/client.hpp"

namespace kw::mqtt {

// While set on a thread, socketpair() fails there (see client.cpp for why).
extern thread_local bool t_refuse_socketpair;
struct RefuseSocketpair {
    RefuseSocketpair() { t_refuse_socketpair = true; }
    ~RefuseSocketpair() { t_refuse_socketpair = false; }
};

// How long stop() waits for a DISCONNECT stuck in the socket buffer before closing anyway.
inline constexpr auto kStopGrace = std::chrono::seconds(2);

class MqttClient::Impl : public std::enable_shared_from_this<Impl> {
  public:
    Impl(boost::asio::any_io_executor ex, Options options);
    ~Impl();

    // ---- any thread ----

    template <class F>
    void post(F&& f) {
        boost::asio::post(ex_, [self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*self); });
    }

    // Called by ~MqttClient: no user callback runs after this returns (unless it already runs on
    // another thread, which the header rules out).
    void detach_callbacks() {
        std::lock_guard lock(cb_mutex_);
        callbacks_detached_ = true;
    }

    std::function<void(const Message&)> on_message_;
    std::function<void()> on_connected_;
    std::function<void(int)> on_disconnected_;
    std::function<void(int)> on_refused_;
    std::atomic<bool> connected_{false};
    std::atomic<int> pending_count_{0};
    std::atomic<std::uint64_t> connect_attempts_{0};

    // ---- executor only ----

    void do_start();

    void do_subscribe(std::string pattern, int qos);

    void do_publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                    const std::string& correlation_data, const std::string& response_topic);

    void do_stop();

    void do_kill();

    void shutdown();

  private:
    using error_code = boost::system::error_code;

    // ---- connection lifecycle (client_connection.cpp) ----

    void connect_now();

    void attach();

    void detach();

    // After every call into libmosquitto: notice a closed socket, otherwise make sure we wait for what
    // mosquitto needs next.
    void after_io();

    void on_ready(std::uint64_t gen, error_code ec, bool write);
    void read_available();

    void start_misc();

    void tick();

    void schedule_reconnect();

    void cancel_reconnect();

    // ---- libmosquitto callbacks (client_callbacks.cpp; run inside mosquitto_loop_*, on the executor) ----

    static void on_connect_cb(mosquitto*, void* obj, int rc, int /*flags*/, const mosquitto_property*);

    static void on_disconnect_cb(mosquitto*, void* obj, int rc, const mosquitto_property*);

    static void on_message_cb(mosquitto*, void* obj, const mosquitto_message* m,
                              const mosquitto_property* props);

    // Called on PUBACK/PUBCOMP for QoS>0, and when a QoS 0 message leaves the socket.
    static void on_publish_cb(mosquitto*, void* obj, int mid, int reason_code, const mosquitto_property*);

    template <class F, class... A>
    void invoke(F& f, A&&... args) {
        std::lock_guard lock(cb_mutex_);
        if (callbacks_detached_ || !f) return;
        try {
            f(std::forward<A>(args)...);
        } catch (const std::exception& e) {
            spdlog::error("event=mqtt_callback_threw client_id={} error=\"{}\"", opts_.client_id, e.what());
        }
    }

    boost::asio::any_io_executor ex_;
    Options opts_;
    mosquitto* mosq_ = nullptr;
    std::optional<boost::asio::posix::stream_descriptor> sd_;  // owns a dup of mosq_fd_
    int mosq_fd_ = -1;
    std::uint64_t gen_ = 0;            // bumped whenever the watched socket changes
    std::uint64_t reconnect_gen_ = 0;  // bumped whenever a pending reconnect is cancelled
    bool read_waiting_ = false, write_waiting_ = false;
    bool lost_ = false;
    bool running_ = false;
    bool configured_ = false;
    bool overflow_logged_ = false;
    int attempts_ = 0;
    std::chrono::steady_clock::time_point stop_deadline_{};
    boost::asio::steady_timer misc_timer_;
    boost::asio::steady_timer reconnect_timer_;
    std::vector<std::pair<std::string, int>> subs_;
    std::unordered_set<int> pending_mids_;
    std::recursive_mutex cb_mutex_;
    bool callbacks_detached_ = false;
};


}  // namespace kw::mqtt
