// MqttClient (client.hpp): construction, the socketpair guard, and the public operations, which
// post to the executor. The connection itself is in client_connection.cpp, libmosquitto's callbacks
// in client_callbacks.cpp.
#include <fcntl.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "device/mqtt/client_impl.hpp"

namespace kw::mqtt {
// libmosquitto opens a socketpair per client in mosquitto_new (and in connect), only to wake the thread
// of mosquitto_loop_start. We never start that thread, and at 10,000 clients the pair costs 20,000 fds,
// so while we call into those functions this thread's socketpair() fails; libmosquitto then logs a
// warning to its (unset) log callback and carries on without it. Every other caller gets the real thing.
thread_local bool t_refuse_socketpair = false;
}  // namespace kw::mqtt

// Defined in the executable, this wins over libc's socketpair for libmosquitto too.
extern "C" int socketpair(int domain, int type, int protocol, int sv[2]) __THROW {
    if (kw::mqtt::t_refuse_socketpair && domain == AF_UNIX) {
        errno = EMFILE;
        return -1;
    }
    return static_cast<int>(::syscall(SYS_socketpair, domain, type, protocol, sv));
}

namespace kw::mqtt {

namespace asio = boost::asio;

namespace {

void init_library_once() {
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
}

}  // namespace

std::string error_string(int rc) { return mosquitto_strerror(rc); }

MqttClient::Impl::Impl(asio::any_io_executor ex, Options options)
    : ex_(std::move(ex)), opts_(std::move(options)), misc_timer_(ex_), reconnect_timer_(ex_) {
    init_library_once();
    if (opts_.protocol_version != 5 && opts_.protocol_version != 4)
        throw std::invalid_argument("mqtt: protocol_version must be 5 or 4");
    if (opts_.keepalive_s < 5 || opts_.keepalive_s > 65535)
        throw std::invalid_argument("mqtt: keepalive_s must be 5..65535");
    if (!opts_.clean_start && opts_.client_id.empty())
        throw std::invalid_argument("mqtt: clean_start=false needs a client_id");
    {
        RefuseSocketpair no_pair;
        mosq_ = mosquitto_new(opts_.client_id.empty() ? nullptr : opts_.client_id.c_str(),
                              opts_.clean_start, this);
    }
    if (!mosq_) throw std::runtime_error(std::string("mqtt: mosquitto_new: ") + std::strerror(errno));
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION,
                         opts_.protocol_version == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
    mosquitto_int_option(mosq_, MOSQ_OPT_SEND_MAXIMUM, std::clamp(opts_.max_inflight, 1, 65535));
    mosquitto_int_option(mosq_, MOSQ_OPT_RECEIVE_MAXIMUM, std::clamp(opts_.receive_maximum, 1, 65535));
    mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
    if (!opts_.username.empty())
        mosquitto_username_pw_set(mosq_, opts_.username.c_str(),
                                  opts_.password.empty() ? nullptr : opts_.password.c_str());
    if (!opts_.will_topic.empty()) {
        int rc = mosquitto_will_set(mosq_, opts_.will_topic.c_str(),
                                    static_cast<int>(opts_.will_payload.size()),
                                    opts_.will_payload.data(), opts_.will_qos, opts_.will_retain);
        if (rc != MOSQ_ERR_SUCCESS) {
            mosquitto_destroy(mosq_);
            throw std::invalid_argument("mqtt: bad will: " + error_string(rc));
        }
    }
    mosquitto_connect_v5_callback_set(mosq_, &Impl::on_connect_cb);
    mosquitto_disconnect_v5_callback_set(mosq_, &Impl::on_disconnect_cb);
    mosquitto_message_v5_callback_set(mosq_, &Impl::on_message_cb);
    mosquitto_publish_v5_callback_set(mosq_, &Impl::on_publish_cb);
}

MqttClient::Impl::~Impl() {
    detach();
    mosquitto_destroy(mosq_);
}

void MqttClient::Impl::do_start() {
    if (running_) return;
    running_ = true;
    attempts_ = 0;
    connect_now();
}

void MqttClient::Impl::do_subscribe(std::string pattern, int qos) {
    auto it = std::find_if(subs_.begin(), subs_.end(), [&](const auto& s) { return s.first == pattern; });
    if (it != subs_.end())
        it->second = qos;
    else
        subs_.emplace_back(pattern, qos);
    if (connected_) {
        int rc = mosquitto_subscribe(mosq_, nullptr, pattern.c_str(), qos);
        if (rc != MOSQ_ERR_SUCCESS)
            spdlog::warn("event=mqtt_subscribe_failed client_id={} pattern={} rc={}", opts_.client_id,
                         pattern, error_string(rc));
        after_io();
    }
}

void MqttClient::Impl::do_publish(const std::string& topic, const std::string& payload, int qos, bool retain,
                const std::string& correlation_data, const std::string& response_topic) {
    if (qos > 0 && static_cast<int>(pending_mids_.size()) >= opts_.max_queued) {
        if (!overflow_logged_)
            spdlog::warn("event=mqtt_queue_full client_id={} max_queued={} action=drop", opts_.client_id,
                         opts_.max_queued);
        overflow_logged_ = true;
        return;
    }
    overflow_logged_ = false;
    mosquitto_property* props = nullptr;
    if (opts_.protocol_version == 5) {
        if (!correlation_data.empty())
            mosquitto_property_add_binary(&props, MQTT_PROP_CORRELATION_DATA, correlation_data.data(),
                                          static_cast<std::uint16_t>(correlation_data.size()));
        if (!response_topic.empty())
            mosquitto_property_add_string(&props, MQTT_PROP_RESPONSE_TOPIC, response_topic.c_str());
    }
    int mid = 0;
    int rc = mosquitto_publish_v5(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                                  payload.data(), qos, retain, props);
    mosquitto_property_free_all(&props);
    // QoS>0: libmosquitto keeps the message (even on NO_CONN) until PUBACK/PUBCOMP.
    if (qos > 0 && (rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN)) {
        pending_mids_.insert(mid);
        pending_count_ = static_cast<int>(pending_mids_.size());
    } else if (rc == MOSQ_ERR_NO_CONN) {
        spdlog::debug("event=mqtt_publish_dropped client_id={} topic={} reason=not_connected",
                      opts_.client_id, topic);
    } else if (rc != MOSQ_ERR_SUCCESS) {
        spdlog::warn("event=mqtt_publish_failed client_id={} topic={} rc={}", opts_.client_id, topic,
                     error_string(rc));
    }
    after_io();
}

void MqttClient::Impl::do_stop() {
    running_ = false;
    cancel_reconnect();
    if (!sd_) return;
    mosquitto_disconnect(mosq_);
    stop_deadline_ = std::chrono::steady_clock::now() + kStopGrace;
    after_io();
}

void MqttClient::Impl::do_kill() {
    running_ = false;
    cancel_reconnect();
    if (!sd_) return;
    // FIN without DISCONNECT: the broker treats it as an unexpected loss and publishes the will.
    ::shutdown(mosq_fd_, SHUT_RDWR);
    for (int i = 0; i < 64 && sd_; ++i) {
        mosquitto_loop_read(mosq_, 1);
        after_io();
    }
    detach();
}

void MqttClient::Impl::shutdown() {
    running_ = false;
    cancel_reconnect();
    if (sd_) {
        mosquitto_disconnect(mosq_);
        after_io();
    }
    detach();
    misc_timer_.cancel();
}

MqttClient::MqttClient(asio::any_io_executor ex, Options options)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(options))) {}

MqttClient::~MqttClient() {
    impl_->detach_callbacks();
    impl_->post([](Impl& impl) { impl.shutdown(); });
}

void MqttClient::on_message(std::function<void(const Message&)> cb) { impl_->on_message_ = std::move(cb); }
void MqttClient::on_connected(std::function<void()> cb) { impl_->on_connected_ = std::move(cb); }
void MqttClient::on_disconnected(std::function<void(int)> cb) { impl_->on_disconnected_ = std::move(cb); }
void MqttClient::on_refused(std::function<void(int)> cb) { impl_->on_refused_ = std::move(cb); }

void MqttClient::start() {
    impl_->post([](Impl& impl) { impl.do_start(); });
}

void MqttClient::subscribe(std::string pattern, int qos) {
    impl_->post([pattern = std::move(pattern), qos](Impl& impl) mutable {
        impl.do_subscribe(std::move(pattern), qos);
    });
}

void MqttClient::publish(std::string topic, std::string payload, int qos, bool retain,
                         std::string correlation_data, std::string response_topic) {
    impl_->post([topic = std::move(topic), payload = std::move(payload), qos, retain,
                 correlation_data = std::move(correlation_data),
                 response_topic = std::move(response_topic)](Impl& impl) {
        impl.do_publish(topic, payload, qos, retain, correlation_data, response_topic);
    });
}

void MqttClient::stop() {
    impl_->post([](Impl& impl) { impl.do_stop(); });
}

void MqttClient::kill() {
    impl_->post([](Impl& impl) { impl.do_kill(); });
}

bool MqttClient::connected() const { return impl_->connected_; }
int MqttClient::pending() const { return impl_->pending_count_; }
std::uint64_t MqttClient::connect_attempts() const { return impl_->connect_attempts_; }

}  // namespace kw::mqtt
