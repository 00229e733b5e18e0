#include "live/redis.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>

#include "domain/error.hpp"
#include "metrics/registry.hpp"

namespace kw::live {

namespace {

timeval to_timeval(int ms) {
    return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

RedisReply convert(const redisReply* r) {
    RedisReply out;
    switch (r->type) {
        case REDIS_REPLY_STRING:
            out.type = RedisReply::Type::string;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = RedisReply::Type::status;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = RedisReply::Type::error;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = RedisReply::Type::integer;
            out.integer = r->integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = RedisReply::Type::array;
            out.elements.reserve(r->elements);
            for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
            break;
        default:
            out.type = RedisReply::Type::nil;
            break;
    }
    return out;
}

struct ReplyDeleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// An idle pooled connection that is readable has been closed by the server (restart, timeout, kill).
bool looks_dead(redisContext* c) {
    pollfd p{c->fd, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
}

void append_argv(redisContext* c, const std::vector<std::string>& argv) {
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    ptrs.reserve(argv.size());
    lens.reserve(argv.size());
    for (const auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data());
}

// A failed call on a connection: the connection is unusable afterwards.
struct IoFailure {
    std::string message;
    bool timeout;
};

}  // namespace

Redis::Redis(RedisConfig config) : config_(std::move(config)) {
    idle_.assign(static_cast<std::size_t>(std::max(1, config_.pool_size)), nullptr);
}

Redis::~Redis() {
    for (redisContext* c : idle_)
        if (c) redisFree(c);
}

redisContext* Redis::acquire() {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, std::chrono::milliseconds(config_.timeout_ms),
                             [&] { return !idle_.empty(); }))
        throw Error(Errc::unavailable,
                    "redis: no free connection within " + std::to_string(config_.timeout_ms) + " ms");
    redisContext* c = idle_.back();
    idle_.pop_back();
    return c;
}

void Redis::release(redisContext* c) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(c);
    }
    available_.notify_one();
}

redisContext* Redis::connect() {
    const bool unix_socket = !config_.socket.empty();
    const std::string where = config_.address();
    const timeval timeout = to_timeval(config_.timeout_ms);
    redisContext* c = unix_socket ? redisConnectUnixWithTimeout(config_.socket.c_str(), timeout)
                                  : redisConnectWithTimeout(config_.host.c_str(), config_.port, timeout);
    if (!c) throw Error(Errc::unavailable, "redis " + where + ": cannot allocate a connection");
    if (c->err) {
        std::string msg = c->errstr;
        redisFree(c);
        throw Error(Errc::unavailable, "redis " + where + ": " + msg);
    }
    redisSetTimeout(c, timeout);
    if (!unix_socket) redisEnableKeepAlive(c);  // TCP's option: a Unix socket refuses it
    auto setup = [&](const std::vector<std::string>& argv) {
        append_argv(c, argv);
        void* raw = nullptr;
        if (redisGetReply(c, &raw) != REDIS_OK) {
            std::string msg = c->errstr;
            redisFree(c);
            throw Error(Errc::unavailable, "redis " + where + ": " + msg);
        }
        ReplyPtr reply(static_cast<redisReply*>(raw));
        if (reply->type == REDIS_REPLY_ERROR) {
            std::string msg(reply->str, reply->len);
            redisFree(c);
            throw Error(Errc::unavailable, "redis " + where + " " + argv[0] + ": " + msg);
        }
    };
    if (!config_.password.empty()) setup({"AUTH", config_.password});
    if (config_.db != 0) setup({"SELECT", std::to_string(config_.db)});
    return c;
}

template <class Fn>
auto Redis::with_connection(Fn&& fn) {
    redisContext* c = acquire();
    std::string last_error;
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            if (c && looks_dead(c)) {
                redisFree(c);
                c = nullptr;
            }
            if (!c) {
                c = connect();
                if (!last_error.empty())
                    spdlog::info("event=redis_reconnected host={}", config_.address());
            }
        } catch (...) {
            release(nullptr);
            throw;
        }
        std::optional<IoFailure> failure;
        auto result = [&] {
            try {
                return fn(c, failure);
            } catch (...) {
                redisFree(c);
                release(nullptr);
                throw;
            }
        }();
        if (!failure) {
            release(c);
            return result;
        }
        redisFree(c);
        c = nullptr;
        last_error = failure->message;
        spdlog::warn("event=redis_io_error host={} error=\"{}\" attempt={}", config_.address(), last_error,
                     attempt + 1);
        if (failure->timeout) break;
    }
    release(nullptr);
    throw Error(Errc::unavailable, "redis " + config_.address() + ": " + last_error);
}

RedisReply Redis::command(const std::vector<std::string>& argv) {
    if (argv.empty()) throw Error(Errc::internal, "redis: empty command");
    auto result = pipeline({argv});
    return std::move(result.front());
}

std::vector<RedisReply> Redis::pipeline(const std::vector<std::vector<std::string>>& commands) {
    for (const auto& argv : commands)
        if (argv.empty()) throw Error(Errc::internal, "redis: empty command in pipeline");
    if (commands.empty()) return {};
    return with_connection([&](redisContext* c, std::optional<IoFailure>& failure) {
        // The round trip only (not the wait for a pooled connection); a failed one is timed too.
        struct Timer {
            metrics::Histogram* histogram;
            std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
            ~Timer() {
                if (histogram)
                    histogram->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            }
        } timer{config_.command_seconds};
        std::vector<RedisReply> replies;
        replies.reserve(commands.size());
        for (const auto& argv : commands) append_argv(c, argv);
        for (std::size_t i = 0; i < commands.size(); ++i) {
            void* raw = nullptr;
            errno = 0;
            if (redisGetReply(c, &raw) != REDIS_OK || !raw) {
                bool timeout = c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
                failure = IoFailure{timeout ? std::string("timeout") : std::string(c->errstr), timeout};
                return replies;
            }
            ReplyPtr reply(static_cast<redisReply*>(raw));
            replies.push_back(convert(reply.get()));
        }
        return replies;
    });
}

const RedisReply& require_ok(const RedisReply& reply) {
    if (reply.is_error()) throw Error(Errc::unavailable, "redis: " + reply.str);
    return reply;
}

}  // namespace kw::live
