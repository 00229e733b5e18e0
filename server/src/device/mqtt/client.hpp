#pragma once
// MqttClient: one MQTT connection (libmosquitto) driven from an Asio executor, without any thread of
// its own: the socket is watched with a stream_descriptor (on a dup of mosquitto's fd, so mosquitto
// may close its fd at any time without confusing the reactor), and mosquitto_loop_misc runs on a 1 s
// timer. Reconnects by itself with jittered exponential backoff and re-sends every subscription.
// File descriptors: 2 per client by default (the socket and its dup), 1 with Options::dup_fd = false.
// libmosquitto's wake-up socketpair, only used by mosquitto_loop_start, is not created (see
// client.cpp); so 10,000 simulated chargers with dup_fd = false fit under a 20,000 fd limit.
//
// Threads: every callback runs on the executor (pass a strand if the io_context has several
// threads). publish/subscribe/start/stop/kill may be called from any thread: they post to the
// executor. Set the on_* callbacks before start(). The io_context must outlive the client. The
// destructor detaches the callbacks at once and posts a graceful DISCONNECT; it is safe to destroy
// the client from inside one of its own callbacks.
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace kw::mqtt {

struct Message {
    std::string topic;
    std::string payload;
    int qos = 0;
    bool retain = false;
    std::string correlation_data;  // MQTT 5 only; empty otherwise
    std::string response_topic;    // MQTT 5 only; empty otherwise
};

struct Options {
    std::string host = "127.0.0.1";
    int port = 1883;
    std::string client_id;  // empty: MQTT 5 lets the broker assign one, 3.1.1 gets a random one
    std::string username, password;
    int protocol_version = 5;  // 5 or 4 (= 3.1.1)
    int keepalive_s = 30;      // >= 5; also bounds how long a TCP connect + CONNACK may take
    // false keeps the broker session across reconnects on 3.1.1 only: on MQTT 5 it would need a
    // session-expiry property, which libmosquitto 2.0's async connect cannot send.
    bool clean_start = true;
    std::string will_topic, will_payload;  // no will when will_topic is empty
    int will_qos = 1;
    bool will_retain = false;
    int reconnect_min_ms = 500, reconnect_max_ms = 10000;
    int max_inflight = 100;  // QoS>0 messages sent but not yet acknowledged
    int max_queued = 10000;  // QoS>0 messages not yet acknowledged (incl. in flight); more are dropped
    // MQTT 5: QoS>0 messages the broker may have in flight to this client (its receive maximum).
    // Past it the broker holds them back while QoS 0 messages still pass, so a QoS 0 message can
    // overtake an earlier QoS 1 one from the same sender. libmosquitto's default is 20.
    int receive_maximum = 20;
    // Watch a dup of mosquitto's socket: safe with any executor, costs one fd. false watches mosquitto's
    // own fd and releases it the moment mosquitto closes it; only for an io_context run by ONE thread
    // (the simulator's 10,000 clients), where no other socket can be registered in between.
    bool dup_fd = true;
};

class MqttClient {
  public:
    MqttClient(boost::asio::any_io_executor ex, Options options);
    ~MqttClient();
    MqttClient(const MqttClient&) = delete;
    MqttClient& operator=(const MqttClient&) = delete;

    void on_message(std::function<void(const Message&)> cb);
    void on_connected(std::function<void()> cb);           // after each successful CONNACK
    void on_disconnected(std::function<void(int rc)> cb);  // rc: 0 after stop(), a MOSQ_ERR_* otherwise
    // The broker answered CONNACK with a refusal (reason: the MQTT 5 reason code, or the 3.1.1 return
    // code): bad credentials do not get better by retrying, so a caller may stop() here.
    void on_refused(std::function<void(int reason)> cb);

    // Non-blocking connect; keeps retrying with backoff until stop()/kill().
    void start();
    // Remembered and re-sent after every reconnect.
    void subscribe(std::string pattern, int qos);
    // QoS>0 messages published while disconnected are kept by libmosquitto and sent after the next
    // CONNACK (up to max_queued); QoS 0 messages are dropped while disconnected. Correlation data and
    // response topic are sent as MQTT 5 properties and ignored on 3.1.1.
    void publish(std::string topic, std::string payload, int qos, bool retain = false,
                 std::string correlation_data = {}, std::string response_topic = {});
    // Graceful: DISCONNECT (the broker drops the will), then close. No reconnect until start().
    void stop();
    // Closes the TCP connection without DISCONNECT so the broker publishes the will, as when a
    // charger loses power. No reconnect until start().
    void kill();

    bool connected() const;
    // Messages of QoS>0 published but not yet acknowledged by the broker.
    int pending() const;
    // TCP connects tried so far (the first one included); shows that a refused client keeps retrying.
    std::uint64_t connect_attempts() const;

    class Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

// Human-readable text for a MOSQ_ERR_* code (mosquitto_strerror).
std::string error_string(int rc);

}  // namespace kw::mqtt
