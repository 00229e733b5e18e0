#include "device/mqtt/client.hpp"

#include <fcntl.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <unordered_set>
#include <utility>
#include <vector>

namespace kw::mqtt {
namespace {
// libmosquitto opens a socketpair per client in mosquitto_new (and in connect), only to wake the thread
// of mosquitto_loop_start. We never start that thread, and at 10,000 clients the pair costs 20,000 fds,
// so while we call into those functions this thread's socketpair() fails; libmosquitto then logs a
// warning to its (unset) log callback and carries on without it. Every other caller gets the real thing.
thread_local bool t_refuse_socketpair = false;

struct RefuseSocketpair {
    RefuseSocketpair() { t_refuse_socketpair = true; }
    ~RefuseSocketpair() { t_refuse_socketpair = false; }
};

}  // namespace
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
using boost::system::error_code;

namespace {

constexpr auto kMiscInterval = std::chrono::seconds(1);
// How long stop() waits for a DISCONNECT stuck in the socket buffer before closing anyway.
constexpr auto kStopGrace = std::chrono::seconds(2);

void init_library_once() {
    static std::once_flag once;
    std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string describe(int rc, int saved_errno) {
    if (rc == MOSQ_ERR_ERRNO) return std::strerror(saved_errno);
    return mosquitto_strerror(rc);
}

std::minstd_rand& rng() {
    thread_local std::minstd_rand gen{std::random_device{}()};
    return gen;
}

}  // namespace

std::string error_string(int rc) { return mosquitto_strerror(rc); }

class MqttClient::Impl : public std::enable_shared_from_this<Impl> {
  public:
    Impl(asio::any_io_executor ex, Options options)
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

    ~Impl() {
        detach();
        mosquitto_destroy(mosq_);
    }

    // ---- any thread ----

    template <class F>
    void post(F&& f) {
        asio::post(ex_, [self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*self); });
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
    std::atomic<bool> connected_{false};
    std::atomic<int> pending_count_{0};
    std::atomic<std::uint64_t> connect_attempts_{0};

    // ---- executor only ----

    void do_start() {
        if (running_) return;
        running_ = true;
        attempts_ = 0;
        connect_now();
    }

    void do_subscribe(std::string pattern, int qos) {
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

    void do_publish(const std::string& topic, const std::string& payload, int qos, bool retain,
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

    void do_stop() {
        running_ = false;
        cancel_reconnect();
        if (!sd_) return;
        mosquitto_disconnect(mosq_);
        stop_deadline_ = std::chrono::steady_clock::now() + kStopGrace;
        after_io();
    }

    void do_kill() {
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

    void shutdown() {
        running_ = false;
        cancel_reconnect();
        if (sd_) {
            mosquitto_disconnect(mosq_);
            after_io();
        }
        detach();
        misc_timer_.cancel();
    }

  private:
    // ---- connection lifecycle ----

    void connect_now() {
        if (!running_ || sd_) return;
        ++connect_attempts_;
        int rc, saved_errno;
        {
            RefuseSocketpair no_pair;
            rc = configured_ ? mosquitto_reconnect_async(mosq_)
                             : mosquitto_connect_bind_async(mosq_, opts_.host.c_str(), opts_.port,
                                                            opts_.keepalive_s, nullptr);
            saved_errno = errno;
        }
        if (rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_CONN_PENDING) configured_ = true;
        if ((rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_CONN_PENDING) || mosquitto_socket(mosq_) < 0) {
            spdlog::debug("event=mqtt_connect_failed client_id={} host={}:{} error=\"{}\"", opts_.client_id,
                          opts_.host, opts_.port, describe(rc, saved_errno));
            schedule_reconnect();
            return;
        }
        attach();
        after_io();
    }

    void attach() {
        int fd = mosquitto_socket(mosq_);
        // By default Asio watches a dup: mosquitto closes its fd when it likes, and on a multi-threaded
        // io_context another socket could get that number and be registered before we release ours.
        int dup_fd = opts_.dup_fd ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : fd;
        if (dup_fd < 0) {
            spdlog::error("event=mqtt_dup_failed client_id={} error=\"{}\"", opts_.client_id,
                          std::strerror(errno));
            ::shutdown(fd, SHUT_RDWR);
            mosquitto_loop_read(mosq_, 1);  // lets mosquitto notice and close its fd
            schedule_reconnect();
            return;
        }
        error_code ec;
        sd_.emplace(ex_);
        sd_->assign(dup_fd, ec);
        if (ec) {
            if (opts_.dup_fd) ::close(dup_fd);
            sd_.reset();
            spdlog::error("event=mqtt_assign_failed client_id={} error=\"{}\"", opts_.client_id,
                          ec.message());
            schedule_reconnect();
            return;
        }
        mosq_fd_ = fd;
        ++gen_;
        read_waiting_ = write_waiting_ = false;
        lost_ = false;
        start_misc();
    }

    void detach() {
        if (!sd_) return;
        error_code ec;
        if (opts_.dup_fd)
            sd_->close(ec);
        else
            sd_->release();  // deregisters without closing: the fd is mosquitto's
        sd_.reset();
        mosq_fd_ = -1;
        ++gen_;
        misc_timer_.cancel();
        connected_ = false;
    }

    // After every call into libmosquitto: notice a closed socket, otherwise make sure we wait for what
    // mosquitto needs next.
    void after_io() {
        if (lost_ || (sd_ && mosquitto_socket(mosq_) != mosq_fd_)) {
            lost_ = false;
            detach();
            if (running_) schedule_reconnect();
            return;
        }
        if (!sd_) return;
        if (!read_waiting_) {
            read_waiting_ = true;
            sd_->async_wait(
                asio::posix::descriptor_base::wait_read,
                [self = shared_from_this(), gen = gen_](error_code ec) { self->on_ready(gen, ec, false); });
        }
        if (!write_waiting_ && mosquitto_want_write(mosq_)) {
            write_waiting_ = true;
            sd_->async_wait(
                asio::posix::descriptor_base::wait_write,
                [self = shared_from_this(), gen = gen_](error_code ec) { self->on_ready(gen, ec, true); });
        }
    }

    void on_ready(std::uint64_t gen, error_code ec, bool write) {
        if (gen != gen_) return;  // the socket this wait was for is gone
        (write ? write_waiting_ : read_waiting_) = false;
        if (ec == asio::error::operation_aborted) return;
        if (write)
            mosquitto_loop_write(mosq_, 1);
        else
            mosquitto_loop_read(mosq_, 1);
        after_io();
    }

    void start_misc() {
        misc_timer_.expires_after(kMiscInterval);
        misc_timer_.async_wait([self = shared_from_this(), gen = gen_](error_code ec) {
            if (ec || gen != self->gen_ || !self->sd_) return;
            self->tick();
            if (self->sd_ && gen == self->gen_) self->start_misc();
        });
    }

    void tick() {
        if (!running_ && std::chrono::steady_clock::now() > stop_deadline_) {
            // stop(): DISCONNECT could not be written in time; close anyway.
            ::shutdown(mosq_fd_, SHUT_RDWR);
            mosquitto_loop_read(mosq_, 1);
            after_io();
            detach();
            return;
        }
        mosquitto_loop_misc(mosq_);  // PINGREQ, keepalive and CONNACK timeouts
        after_io();
    }

    void schedule_reconnect() {
        if (!running_) return;
        int shift = std::min(attempts_, 16);
        ++attempts_;
        long long base = std::min<long long>(opts_.reconnect_max_ms,
                                             static_cast<long long>(opts_.reconnect_min_ms) << shift);
        base = std::max<long long>(base, 1);
        // Jitter spreads out thousands of clients reconnecting after a broker restart.
        long long delay = base / 2 + std::uniform_int_distribution<long long>(0, base - base / 2)(rng());
        reconnect_timer_.expires_after(std::chrono::milliseconds(delay));
        reconnect_timer_.async_wait([self = shared_from_this(), rgen = ++reconnect_gen_](error_code ec) {
            if (ec || rgen != self->reconnect_gen_) return;
            self->connect_now();
        });
    }

    void cancel_reconnect() {
        ++reconnect_gen_;
        reconnect_timer_.cancel();
    }

    // ---- libmosquitto callbacks (run inside mosquitto_loop_*, on the executor) ----

    static void on_connect_cb(mosquitto*, void* obj, int rc, int /*flags*/, const mosquitto_property*) {
        auto* self = static_cast<Impl*>(obj);
        if (rc != 0) {
            std::string reason = self->opts_.protocol_version == 5 ? mosquitto_reason_string(rc)
                                                                   : mosquitto_connack_string(rc);
            spdlog::warn("event=mqtt_connect_refused client_id={} user={} host={}:{} reason=\"{}\"",
                         self->opts_.client_id, self->opts_.username, self->opts_.host, self->opts_.port,
                         reason);
            // Refusals (bad credentials, banned) do not clear up in milliseconds: back off to the maximum.
            self->attempts_ = 16;
            return;  // the broker closes the connection; after_io() sees it and schedules the retry
        }
        self->connected_ = true;
        self->attempts_ = 0;
        spdlog::debug("event=mqtt_connected client_id={} host={}:{}", self->opts_.client_id, self->opts_.host,
                      self->opts_.port);
        for (const auto& [pattern, qos] : self->subs_) {
            int src = mosquitto_subscribe(self->mosq_, nullptr, pattern.c_str(), qos);
            if (src != MOSQ_ERR_SUCCESS)
                spdlog::warn("event=mqtt_subscribe_failed client_id={} pattern={} rc={}",
                             self->opts_.client_id, pattern, error_string(src));
        }
        self->invoke(self->on_connected_);
    }

    static void on_disconnect_cb(mosquitto*, void* obj, int rc, const mosquitto_property*) {
        auto* self = static_cast<Impl*>(obj);
        self->lost_ = true;
        // mosquitto has just closed (or is about to close) its socket: stop watching it right now.
        if (!self->opts_.dup_fd) self->detach();
        bool was_connected = self->connected_.exchange(false);
        if (!was_connected) return;
        if (rc == 0)
            spdlog::debug("event=mqtt_disconnected client_id={}", self->opts_.client_id);
        else
            spdlog::info("event=mqtt_connection_lost client_id={} host={}:{} rc=\"{}\"",
                         self->opts_.client_id, self->opts_.host, self->opts_.port, error_string(rc));
        self->invoke(self->on_disconnected_, rc);
    }

    static void on_message_cb(mosquitto*, void* obj, const mosquitto_message* m,
                              const mosquitto_property* props) {
        auto* self = static_cast<Impl*>(obj);
        Message msg;
        msg.topic = m->topic ? m->topic : "";
        if (m->payload && m->payloadlen > 0)
            msg.payload.assign(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen));
        msg.qos = m->qos;
        msg.retain = m->retain;
        if (props) {
            void* data = nullptr;
            std::uint16_t len = 0;
            if (mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA, &data, &len, false) &&
                data) {
                msg.correlation_data.assign(static_cast<const char*>(data), len);
                std::free(data);
            }
            char* topic = nullptr;
            if (mosquitto_property_read_string(props, MQTT_PROP_RESPONSE_TOPIC, &topic, false) && topic) {
                msg.response_topic = topic;
                std::free(topic);
            }
        }
        self->invoke(self->on_message_, msg);
    }

    // Called on PUBACK/PUBCOMP for QoS>0, and when a QoS 0 message leaves the socket.
    static void on_publish_cb(mosquitto*, void* obj, int mid, int reason_code, const mosquitto_property*) {
        auto* self = static_cast<Impl*>(obj);
        if (self->pending_mids_.erase(mid)) {
            self->pending_count_ = static_cast<int>(self->pending_mids_.size());
            if (reason_code >= 0x80)
                spdlog::warn("event=mqtt_publish_rejected client_id={} mid={} reason=\"{}\"",
                             self->opts_.client_id, mid, mosquitto_reason_string(reason_code));
        }
    }

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

    asio::any_io_executor ex_;
    Options opts_;
    mosquitto* mosq_ = nullptr;
    std::optional<asio::posix::stream_descriptor> sd_;  // owns a dup of mosq_fd_
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
    asio::steady_timer misc_timer_;
    asio::steady_timer reconnect_timer_;
    std::vector<std::pair<std::string, int>> subs_;
    std::unordered_set<int> pending_mids_;
    std::recursive_mutex cb_mutex_;
    bool callbacks_detached_ = false;
};

MqttClient::MqttClient(asio::any_io_executor ex, Options options)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(options))) {}

MqttClient::~MqttClient() {
    impl_->detach_callbacks();
    impl_->post([](Impl& impl) { impl.shutdown(); });
}

void MqttClient::on_message(std::function<void(const Message&)> cb) { impl_->on_message_ = std::move(cb); }
void MqttClient::on_connected(std::function<void()> cb) { impl_->on_connected_ = std::move(cb); }
void MqttClient::on_disconnected(std::function<void(int)> cb) { impl_->on_disconnected_ = std::move(cb); }

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
