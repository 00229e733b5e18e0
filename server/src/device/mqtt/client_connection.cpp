// MqttClient's connection (client_impl.hpp): watches libmosquitto's socket with Asio, drives its
// keepalive, notices a lost connection and reconnects with jittered backoff. Executor only.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "device/mqtt/client_impl.hpp"

namespace kw::mqtt {

namespace asio = boost::asio;

namespace {

constexpr auto kMiscInterval = std::chrono::seconds(1);
// Packets read for one readiness of the socket before going back to the reactor (other handlers get
// their turn).
constexpr int kMaxReadPackets = 256;

std::string describe(int rc, int saved_errno) {
    if (rc == MOSQ_ERR_ERRNO) return std::strerror(saved_errno);
    return mosquitto_strerror(rc);
}

std::minstd_rand& rng() {
    thread_local std::minstd_rand gen{std::random_device{}()};
    return gen;
}

}  // namespace

void MqttClient::Impl::connect_now() {
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

void MqttClient::Impl::attach() {
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

void MqttClient::Impl::detach() {
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
void MqttClient::Impl::after_io() {
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

void MqttClient::Impl::on_ready(std::uint64_t gen, error_code ec, bool write) {
    if (gen != gen_) return;  // the socket this wait was for is gone
    (write ? write_waiting_ : read_waiting_) = false;
    if (ec == asio::error::operation_aborted) return;
    if (write)
        mosquitto_loop_write(mosq_, 1);
    else
        read_available();
    after_io();
}

// libmosquitto reads one packet per mosquitto_loop_read when nothing of QoS > 0 is in flight, and a
// trip through the reactor per packet cost more than the packet under a flood: read until the
// socket has nothing more (the read ends in EAGAIN, a partial packet included: mosquitto keeps it),
// the connection is gone, or kMaxReadPackets. An errno left at EAGAIN by something else only ends
// the turn early; the socket is still watched.
void MqttClient::Impl::read_available() {
    for (int i = 0; i < kMaxReadPackets; ++i) {
        errno = 0;
        const int rc = mosquitto_loop_read(mosq_, 1);
        const int saved_errno = errno;
        if (rc != MOSQ_ERR_SUCCESS || lost_ || mosquitto_socket(mosq_) != mosq_fd_) return;
        if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK) return;
    }
}

void MqttClient::Impl::start_misc() {
    misc_timer_.expires_after(kMiscInterval);
    misc_timer_.async_wait([self = shared_from_this(), gen = gen_](error_code ec) {
        if (ec || gen != self->gen_ || !self->sd_) return;
        self->tick();
        if (self->sd_ && gen == self->gen_) self->start_misc();
    });
}

void MqttClient::Impl::tick() {
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

void MqttClient::Impl::schedule_reconnect() {
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

void MqttClient::Impl::cancel_reconnect() {
    ++reconnect_gen_;
    reconnect_timer_.cancel();
}

}  // namespace kw::mqtt
