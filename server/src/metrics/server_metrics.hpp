#pragma once
// The server's named metrics (docs/metrics.md lists each): built once in main.cpp on the Registry
// and handed by reference to the edge that records them. Label children are created here, at
// construction, so recording is an array index and an atomic add (HTTP status codes: on first sight).
// Threads: every recording member may be called from any thread.
#include <array>
#include <atomic>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "metrics/registry.hpp"

namespace kw::metrics {

// Charger messages, recorded by device/mqtt/inbox.cpp.
class DeviceMetrics {
public:
    // stale: a meter reading not after its session's last one, which changed nothing.
    enum class Result { applied, rejected, error, stale };
    static constexpr std::array<std::string_view, 8> kKinds = {"boot", "heartbeat", "status", "meter",
                                                              "tx",   "ack",       "fault",  "state"};

    explicit DeviceMetrics(Registry& registry);
    // Index of `kind` in kKinds, or -1.
    static int kind_index(std::string_view kind);
    // One message of kKinds[kind] handled with `result` after `seconds` in its handler.
    void handled(int kind, Result result, double seconds) noexcept;

    Gauge& queue_depth;  // messages posted to the device workers and not started yet
    Histogram& meter_batch;  // meter samples applied together (service::apply_meter_samples)

private:
    std::array<std::array<Counter*, 4>, kKinds.size()> messages_{};
    std::array<Histogram*, kKinds.size()> latency_{};
};

// HTTP requests and WebSocket sessions, recorded by http/ (the Beast files).
class HttpMetrics {
public:
    // Groups a request that is not an API route is counted under (route label).
    static constexpr std::string_view kStatic = "static";        // /admin/*, /app/*, /
    static constexpr std::string_view kWebSocket = "websocket";  // the upgrade request
    static constexpr std::string_view kUnmatched = "unmatched";  // anything else, API 404/405 included

    // routes: {method, pattern} of every API route (http::routes()); /healthz, /readyz, /metrics and
    // the groups above are added here.
    HttpMetrics(Registry& registry, const std::vector<std::pair<std::string, std::string>>& routes);
    // One answered request: `route` is the matched pattern or one of the groups above; a pair not
    // registered at construction is counted as {method="other", route="unmatched"}.
    void request(std::string_view method, std::string_view route, int status, double seconds);
    // Only the status (a request refused before it was read whole: 400, 413, 431).
    void count_status(int status);

    Gauge& worker_queue;  // requests posted to the HTTP workers and not started yet
    Gauge& ws_clients;    // WebSocket sessions open
    Counter& ws_pushes;   // messages queued to WebSocket clients

private:
    Registry& registry_;
    std::array<std::atomic<Counter*>, 600> by_status_{};  // by status code, created on first sight
    std::unordered_map<std::string, Histogram*> by_route_;  // "GET /api/v1/orders/{id}"; fixed after construction
    Histogram* unmatched_ = nullptr;
};

// SQL and Redis calls, recorded by store/db.cpp and live/redis.cpp.
struct BackendMetrics {
    explicit BackendMetrics(Registry& registry);
    // Waiting for a pooled SQL connection, and holding one (a unit of work's statements), by what
    // was asked for: pool="write" (Db::session(); SQLite's one writer) or "read" (Db::read_session()).
    Histogram& sql_wait;
    Histogram& sql_session;
    Histogram& sql_read_wait;
    Histogram& sql_read_session;
    Histogram& redis_command;  // one Redis round trip (a command or a pipeline)
};

}  // namespace kw::metrics
