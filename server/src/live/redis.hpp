#pragma once
// Redis: a small pool of synchronous hiredis connections for the worker threads (never the I/O
// threads: every call blocks for a round trip, up to timeout_ms). Thread-safe; a call takes one
// connection from the pool for its duration and waits (up to timeout_ms) when all are busy.
// Over a Unix socket when config.socket is set: on the same host, each round trip costs less CPU on
// both sides than over TCP on the loopback (docs/performance.md, round 10). Connections are opened
// lazily, so constructing it never blocks; call command({"PING"}) at start-up to fail fast.
// hiredis 0.14 writes with write(2): the process must ignore SIGPIPE.
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

struct redisContext;

namespace kw::metrics { class Histogram; }

namespace kw::live {

struct RedisConfig {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string socket;  // a Unix socket path: used instead of host:port when set (Redis on the same host)
    std::string password;
    int db = 0;
    int pool_size = 8;
    int timeout_ms = 2000;  // connect, each command, and waiting for a free connection
    metrics::Histogram* command_seconds = nullptr;  // optional (main.cpp): each round trip's time

    std::string address() const { return socket.empty() ? host + ":" + std::to_string(port) : socket; }  // for logs
};

struct RedisReply {
    enum class Type { nil, integer, string, array, status, error };
    Type type = Type::nil;
    long long integer = 0;
    std::string str;  // string, status and error replies
    std::vector<RedisReply> elements;

    bool is_nil() const { return type == Type::nil; }
    bool is_error() const { return type == Type::error; }
};

// For callers to whom an error reply means Redis cannot serve them (tokens, throttling, codes):
// throws kw::Error(unavailable) for an error reply, else returns it.
const RedisReply& require_ok(const RedisReply& reply);

class Redis {
  public:
    explicit Redis(RedisConfig config);
    ~Redis();
    Redis(const Redis&) = delete;
    Redis& operator=(const Redis&) = delete;

    // One command, binary safe (argv items may hold any bytes). Error replies come back as
    // Type::error, they do not throw. A broken connection (e.g. after a Redis restart) is reopened and
    // the command retried once; if that fails too, or on a timeout, throws kw::Error(Errc::unavailable).
    // Because of that single retry, a command whose connection died after Redis ran it may run twice.
    RedisReply command(const std::vector<std::string>& argv);
    // Many commands in one round trip; one reply per command, in order. Same failure rules as command().
    std::vector<RedisReply> pipeline(const std::vector<std::vector<std::string>>& commands);

    const RedisConfig& config() const { return config_; }

  private:
    template <class Fn>
    auto with_connection(Fn&& fn);
    redisContext* acquire();
    void release(redisContext* c);
    redisContext* connect();

    RedisConfig config_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<redisContext*> idle_;  // nullptr = a free slot not connected (yet, or any more)
};

}  // namespace kw::live
