#include "live/redis_subscriber.hpp"

#include <fcntl.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

namespace kw::live {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr int kReconnectMinMs = 200;
constexpr int kReconnectMaxMs = 5000;

std::minstd_rand& rng() {
    thread_local std::minstd_rand gen{std::random_device{}()};
    return gen;
}

std::string reply_text(const redisReply* r) {
    return r && r->str ? std::string(r->str, r->len) : std::string();
}

}  // namespace

class RedisSubscriber::Impl : public std::enable_shared_from_this<Impl> {
  public:
    Impl(asio::any_io_executor ex, RedisConfig config)
        : ex_(std::move(ex)), cfg_(std::move(config)), reconnect_timer_(ex_), connect_timer_(ex_) {}

    ~Impl() {
        running_ = false;
        if (ac_) {
            redisAsyncContext* ac = ac_;
            ac_ = nullptr;
            redisAsyncFree(ac);  // runs our cleanup hook (closes the descriptor) before freeing
        }
        detach();
    }

    template <class F>
    void post(F&& f) {
        asio::post(ex_, [self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*self); });
    }

    void detach_callbacks() {
        std::lock_guard lock(cb_mutex_);
        callbacks_detached_ = true;
    }

    std::function<void(const std::string&, const std::string&)> on_message_;
    std::function<void(bool)> on_state_;
    std::atomic<bool> connected_{false};

    // ---- executor only ----

    void do_start() {
        if (running_) return;
        running_ = true;
        attempts_ = 0;
        connect_now();
    }

    void do_stop() {
        running_ = false;
        ++reconnect_gen_;
        reconnect_timer_.cancel();
        connect_timer_.cancel();
        close_now();
    }

    void do_subscribe(const std::string& channel) {
        if (std::find(channels_.begin(), channels_.end(), channel) != channels_.end()) return;
        channels_.push_back(channel);
        if (ac_) send_subscribe(channel);
    }

  private:
    void connect_now() {
        if (!running_ || ac_) return;
        redisAsyncContext* ac = cfg_.socket.empty() ? redisAsyncConnect(cfg_.host.c_str(), cfg_.port)
                                                    : redisAsyncConnectUnix(cfg_.socket.c_str());
        if (!ac || ac->err) {
            spdlog::debug("event=redis_subscriber_connect_failed host={} error=\"{}\"", cfg_.address(),
                          ac ? ac->errstr : "out of memory");
            if (ac) redisAsyncFree(ac);
            schedule_reconnect();
            return;
        }
        int dup_fd = ::fcntl(ac->c.fd, F_DUPFD_CLOEXEC, 0);
        error_code ec;
        if (dup_fd >= 0) {
            sd_.emplace(ex_);
            sd_->assign(dup_fd, ec);
        }
        if (dup_fd < 0 || ec) {
            spdlog::error("event=redis_subscriber_watch_failed error=\"{}\"",
                          dup_fd < 0 ? std::strerror(errno) : ec.message());
            if (dup_fd >= 0 && ec) ::close(dup_fd);
            sd_.reset();
            redisAsyncFree(ac);
            schedule_reconnect();
            return;
        }
        ac_ = ac;
        ++gen_;
        want_read_ = want_write_ = read_waiting_ = write_waiting_ = false;
        ac->data = this;
        ac->ev.data = this;
        ac->ev.addRead = &Impl::add_read;
        ac->ev.delRead = &Impl::del_read;
        ac->ev.addWrite = &Impl::add_write;
        ac->ev.delWrite = &Impl::del_write;
        ac->ev.cleanup = &Impl::cleanup;
        redisAsyncSetConnectCallback(ac, &Impl::on_connect_cb);
        redisAsyncSetDisconnectCallback(ac, &Impl::on_disconnect_cb);
        if (cfg_.socket.empty()) redisEnableKeepAlive(&ac->c);  // TCP's option: a Unix socket refuses it
        if (!cfg_.password.empty()) {
            const char* argv[] = {"AUTH", cfg_.password.data()};
            const std::size_t lens[] = {4, cfg_.password.size()};
            redisAsyncCommandArgv(ac, &Impl::on_auth_reply, this, 2, argv, lens);
        }
        for (const auto& ch : channels_) send_subscribe(ch);
        // hiredis completes the connect on the first writable event.
        want_write_ = true;
        arm();
        connect_timer_.expires_after(std::chrono::milliseconds(cfg_.timeout_ms));
        connect_timer_.async_wait([self = shared_from_this(), gen = gen_](error_code e) {
            if (e || gen != self->gen_ || self->connected_ || !self->ac_) return;
            spdlog::warn("event=redis_subscriber_connect_timeout host={}", self->cfg_.address());
            self->close_now();
            if (self->running_) self->schedule_reconnect();
        });
    }

    void send_subscribe(const std::string& channel) {
        const char* argv[] = {"SUBSCRIBE", channel.data()};
        const std::size_t lens[] = {9, channel.size()};
        redisAsyncCommandArgv(ac_, &Impl::on_sub_reply, this, 2, argv, lens);
    }

    // Frees the current context outside any hiredis callback (we only run from our own handlers).
    void close_now() {
        if (!ac_) return;
        redisAsyncContext* ac = ac_;
        ac_ = nullptr;
        connected_ = false;
        redisAsyncFree(ac);
        detach();
        report(false);
    }

    void detach() {
        want_read_ = want_write_ = false;
        if (!sd_) return;
        error_code ec;
        sd_->close(ec);
        sd_.reset();
        ++gen_;
    }

    void arm() {
        if (!sd_ || !ac_) return;
        if (want_read_ && !read_waiting_) {
            read_waiting_ = true;
            sd_->async_wait(
                asio::posix::descriptor_base::wait_read,
                [self = shared_from_this(), gen = gen_](error_code ec) { self->on_ready(gen, ec, false); });
        }
        if (want_write_ && !write_waiting_) {
            write_waiting_ = true;
            sd_->async_wait(
                asio::posix::descriptor_base::wait_write,
                [self = shared_from_this(), gen = gen_](error_code ec) { self->on_ready(gen, ec, true); });
        }
    }

    void on_ready(std::uint64_t gen, error_code ec, bool write) {
        if (gen != gen_) return;
        (write ? write_waiting_ : read_waiting_) = false;
        if (ec == asio::error::operation_aborted || !ac_) return;
        if (write) {
            if (want_write_) redisAsyncHandleWrite(ac_);
        } else if (want_read_) {
            redisAsyncHandleRead(ac_);
        }
        arm();  // ac_ may be gone now (the callbacks reset it); arm() then does nothing
    }

    void on_closed() {
        ac_ = nullptr;
        connected_ = false;
        detach();
        report(false);
        if (running_) schedule_reconnect();
    }

    void schedule_reconnect() {
        if (!running_) return;
        int shift = std::min(attempts_, 16);
        ++attempts_;
        long long base =
            std::min<long long>(kReconnectMaxMs, static_cast<long long>(kReconnectMinMs) << shift);
        long long delay = base / 2 + std::uniform_int_distribution<long long>(0, base - base / 2)(rng());
        reconnect_timer_.expires_after(std::chrono::milliseconds(delay));
        reconnect_timer_.async_wait([self = shared_from_this(), rgen = ++reconnect_gen_](error_code ec) {
            if (ec || rgen != self->reconnect_gen_) return;
            self->connect_now();
        });
    }

    // ---- hiredis hooks and callbacks (run inside redisAsyncHandle*/redisAsyncFree, on the executor) ----

    static void add_read(void* p) {
        auto* self = static_cast<Impl*>(p);
        self->want_read_ = true;
        self->arm();
    }
    static void del_read(void* p) { static_cast<Impl*>(p)->want_read_ = false; }
    static void add_write(void* p) {
        auto* self = static_cast<Impl*>(p);
        self->want_write_ = true;
        self->arm();
    }
    static void del_write(void* p) { static_cast<Impl*>(p)->want_write_ = false; }
    static void cleanup(void* p) { static_cast<Impl*>(p)->detach(); }

    static void on_connect_cb(const redisAsyncContext* ac, int status) {
        auto* self = static_cast<Impl*>(ac->data);
        if (status != REDIS_OK) {
            spdlog::debug("event=redis_subscriber_connect_failed host={} error=\"{}\"", self->cfg_.address(),
                          ac->errstr ? ac->errstr : "");
            self->on_closed();  // hiredis frees the context when this returns
            return;
        }
        self->connected_ = true;
        self->attempts_ = 0;
        spdlog::info("event=redis_subscriber_connected host={} channels={}", self->cfg_.address(),
                     self->channels_.size());
    }

    static void on_disconnect_cb(const redisAsyncContext* ac, int status) {
        auto* self = static_cast<Impl*>(ac->data);
        if (status != REDIS_OK)
            spdlog::warn("event=redis_subscriber_lost host={} error=\"{}\"", self->cfg_.address(),
                         ac->errstr ? ac->errstr : "");
        if (self->ac_ == ac) self->on_closed();
    }

    static void on_auth_reply(redisAsyncContext* ac, void* reply, void* p) {
        auto* self = static_cast<Impl*>(p);
        auto* r = static_cast<redisReply*>(reply);
        if (!r || r->type != REDIS_REPLY_ERROR) return;
        spdlog::error("event=redis_subscriber_auth_failed host={} error=\"{}\"", self->cfg_.address(),
                      reply_text(r));
        self->attempts_ = 16;  // a wrong password does not fix itself quickly
        redisAsyncDisconnect(ac);
    }

    static void on_sub_reply(redisAsyncContext*, void* reply, void* p) {
        auto* self = static_cast<Impl*>(p);
        auto* r = static_cast<redisReply*>(reply);
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 3) return;
        std::string kind = reply_text(r->element[0]);
        if (kind == "message") {
            self->invoke(reply_text(r->element[1]), reply_text(r->element[2]));
        } else if (kind == "subscribe") {
            spdlog::debug("event=redis_subscribed channel={}", reply_text(r->element[1]));
            // The third element counts this connection's subscriptions: all of ours are in place.
            if (r->element[2]->type == REDIS_REPLY_INTEGER &&
                static_cast<std::size_t>(r->element[2]->integer) == self->channels_.size())
                self->report(true);
        }
    }

    // Tells on_state_ of a change (subscribed -> lost, or lost -> subscribed).
    void report(bool subscribed) {
        if (subscribed == subscribed_) return;
        subscribed_ = subscribed;
        std::lock_guard lock(cb_mutex_);
        if (callbacks_detached_ || !on_state_) return;
        try {
            on_state_(subscribed);
        } catch (const std::exception& e) {
            spdlog::error("event=redis_subscriber_callback_threw state={} error=\"{}\"", subscribed,
                          e.what());
        }
    }

    void invoke(const std::string& channel, const std::string& payload) {
        std::lock_guard lock(cb_mutex_);
        if (callbacks_detached_ || !on_message_) return;
        try {
            on_message_(channel, payload);
        } catch (const std::exception& e) {
            spdlog::error("event=redis_subscriber_callback_threw channel={} error=\"{}\"", channel, e.what());
        }
    }

    asio::any_io_executor ex_;
    RedisConfig cfg_;
    redisAsyncContext* ac_ = nullptr;
    std::optional<asio::posix::stream_descriptor> sd_;  // owns a dup of ac_->c.fd
    std::uint64_t gen_ = 0;
    std::uint64_t reconnect_gen_ = 0;
    bool want_read_ = false, want_write_ = false;
    bool read_waiting_ = false, write_waiting_ = false;
    bool running_ = false;
    bool subscribed_ = false;
    int attempts_ = 0;
    asio::steady_timer reconnect_timer_;
    asio::steady_timer connect_timer_;
    std::vector<std::string> channels_;
    std::recursive_mutex cb_mutex_;
    bool callbacks_detached_ = false;
};

RedisSubscriber::RedisSubscriber(asio::any_io_executor ex, RedisConfig config)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(config))) {}

RedisSubscriber::~RedisSubscriber() {
    impl_->detach_callbacks();
    impl_->post([](Impl& impl) { impl.do_stop(); });
}

void RedisSubscriber::on_message(std::function<void(const std::string&, const std::string&)> cb) {
    impl_->on_message_ = std::move(cb);
}

void RedisSubscriber::on_state(std::function<void(bool)> cb) { impl_->on_state_ = std::move(cb); }

void RedisSubscriber::subscribe(std::string channel) {
    impl_->post([channel = std::move(channel)](Impl& impl) { impl.do_subscribe(channel); });
}

void RedisSubscriber::start() {
    impl_->post([](Impl& impl) { impl.do_start(); });
}

void RedisSubscriber::stop() {
    impl_->post([](Impl& impl) { impl.do_stop(); });
}

bool RedisSubscriber::connected() const { return impl_->connected_; }

}  // namespace kw::live
