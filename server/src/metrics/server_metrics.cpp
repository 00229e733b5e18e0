#include "metrics/server_metrics.hpp"

#include <mutex>

namespace kw::metrics {

namespace {
constexpr std::array<const char*, 4> kResults = {"applied", "rejected", "error", "stale"};
}

DeviceMetrics::DeviceMetrics(Registry& registry)
    : queue_depth(registry.gauge("kw_device_queue_depth",
                                 "Charger messages waiting for a device worker (posted, not started)")),
      meter_batch(registry.histogram("kw_device_meter_batch_size", "Meter samples applied together in one batch",
                                     {1, 2, 4, 8, 16, 32, 64, 128, 256})) {
    for (std::size_t k = 0; k < kKinds.size(); ++k) {
        const std::string kind(kKinds[k]);
        for (std::size_t r = 0; r < kResults.size(); ++r)
            messages_[k][r] = &registry.counter("kw_device_messages_total",
                                                "Charger messages handled, by kind and result",
                                                {{"kind", kind}, {"result", kResults[r]}});
        latency_[k] = &registry.histogram("kw_device_handler_seconds",
                                          "Time in the handler of one charger message, by kind (a meter "
                                          "sample: its batch's time divided by the batch's size)",
                                          latency_buckets(), {{"kind", kind}});
    }
}

int DeviceMetrics::kind_index(std::string_view kind) {
    for (std::size_t k = 0; k < kKinds.size(); ++k)
        if (kKinds[k] == kind) return static_cast<int>(k);
    return -1;
}

void DeviceMetrics::handled(int kind, Result result, double seconds) noexcept {
    if (kind < 0 || kind >= static_cast<int>(kKinds.size())) return;
    messages_[static_cast<std::size_t>(kind)][static_cast<std::size_t>(result)]->inc();
    latency_[static_cast<std::size_t>(kind)]->observe(seconds);
}

HttpMetrics::HttpMetrics(Registry& registry, const std::vector<std::pair<std::string, std::string>>& routes)
    : worker_queue(registry.gauge("kw_http_queue_depth", "API requests waiting for an HTTP worker")),
      ws_clients(registry.gauge("kw_ws_clients", "WebSocket sessions open")),
      ws_pushes(registry.counter("kw_ws_pushes_total", "Messages queued to WebSocket clients")),
      registry_(registry) {
    auto add = [&](const std::string& method, const std::string& route) {
        by_route_[method + " " + route] =
            &registry.histogram("kw_http_request_seconds", "Time to answer one HTTP request, by route",
                                latency_buckets(), {{"method", method}, {"route", route}});
    };
    for (const auto& [method, pattern] : routes) add(method, pattern);
    for (const char* path : {"/healthz", "/readyz", "/metrics"}) add("GET", path);
    add("GET", std::string(kStatic));
    add("GET", std::string(kWebSocket));
    add("other", std::string(kUnmatched));
    unmatched_ = by_route_.at("other " + std::string(kUnmatched));
    // The family exists from the start, so a scrape before any other request already lists it.
    by_status_[200] = &registry.counter("kw_http_requests_total", "HTTP requests answered, by status code",
                                        {{"code", "200"}});
}

void HttpMetrics::request(std::string_view method, std::string_view route, int status, double seconds) {
    std::string key;
    key.reserve(method.size() + route.size() + 1);
    key.append(method == "HEAD" ? std::string_view("GET") : method).append(" ").append(route);
    auto it = by_route_.find(key);
    (it == by_route_.end() ? unmatched_ : it->second)->observe(seconds);
    count_status(status);
}

void HttpMetrics::count_status(int status) {
    if (status < 100 || status >= static_cast<int>(by_status_.size())) status = 599;
    auto& slot = by_status_[static_cast<std::size_t>(status)];
    Counter* counter = slot.load(std::memory_order_acquire);
    if (!counter) {
        // First request with this code: the registry returns the same counter to racing threads.
        counter = &registry_.counter("kw_http_requests_total", "HTTP requests answered, by status code",
                                     {{"code", std::to_string(status)}});
        slot.store(counter, std::memory_order_release);
    }
    counter->inc();
}

BackendMetrics::BackendMetrics(Registry& registry)
    : sql_wait(registry.histogram("kw_sql_wait_seconds", "Waiting for a pooled SQL connection",
                                  latency_buckets(), {{"pool", "write"}})),
      sql_session(registry.histogram("kw_sql_session_seconds",
                                     "A pooled SQL connection held by one unit of work (its statements)",
                                     latency_buckets(), {{"pool", "write"}})),
      sql_read_wait(registry.histogram("kw_sql_wait_seconds", "Waiting for a pooled SQL connection",
                                       latency_buckets(), {{"pool", "read"}})),
      sql_read_session(registry.histogram("kw_sql_session_seconds",
                                          "A pooled SQL connection held by one unit of work (its statements)",
                                          latency_buckets(), {{"pool", "read"}})),
      redis_command(registry.histogram("kw_redis_command_seconds",
                                       "One Redis round trip: a command or a pipeline", latency_buckets())) {}

}  // namespace kw::metrics
