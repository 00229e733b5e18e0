#pragma once
// kw::metrics: a small Prometheus registry (counters, gauges, fixed-bucket histograms) and the text
// exposition format 0.0.4. Written here rather than taken from Debian's prometheus-cpp 1.0.1: its
// -dev package depends on civetweb, libcivetweb-dev, libcurl4-openssl-dev and zlib1g-dev (its pull and
// push halves, which we would not use), and its counters are doubles updated in a CAS loop; the part
// we need is a few hundred lines. Recording is one relaxed atomic add; label lookups happen at wiring.
// Threads: counter/gauge/histogram updates from any thread, lock-free. Registration takes the
// registry's mutex (start-up, the first sight of an HTTP status code), and render() only to list what
// exists; never the hot path.
// Metric objects live as long as the registry; callers keep the references registration returns.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace kw::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    void sub(std::int64_t n = 1) noexcept { value_.fetch_sub(n, std::memory_order_relaxed); }
    std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

// Fixed upper bounds (ascending); an implicit +Inf bucket follows the last one.
class Histogram {
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double value) noexcept;

    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
        double sum = 0;
    };
    Snapshot snapshot() const;
    const std::vector<double>& bounds() const { return bounds_; }

private:
    const std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // not cumulative; bounds_.size() + 1
    std::atomic<double> sum_{0};
};

// Latency buckets in seconds, 100 µs .. 10 s: handlers, SQL and Redis calls all fall inside.
const std::vector<double>& latency_buckets();

class Registry {
public:
    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // Same name and labels again: the same object. Same name with another type or other label
    // names, or a name/label name Prometheus refuses: throws std::invalid_argument.
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
    Histogram& histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                         const Labels& labels = {});
    // A gauge read at scrape time (queue sizes, counts kept elsewhere). `read` runs inside render(),
    // on the scraping thread; if it throws, that sample is left out of the scrape.
    void gauge_callback(const std::string& name, const std::string& help, std::function<double()> read,
                        const Labels& labels = {});

    // Every family in registration order, children in registration order (text format 0.0.4).
    std::string render() const;

private:
    struct Family;
    struct Child;
    Family& family(const std::string& name, const std::string& help, const char* type, const Labels& labels);
    Child* find(Family& f, const Labels& labels);
    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Family>> families_;
};

// Text-format escaping of a label value: backslash, double quote and newline.
std::string escape_label_value(const std::string& value);

}  // namespace kw::metrics
