#include "metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace kw::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
    if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
        std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end())
        throw std::invalid_argument("histogram bounds must be strictly ascending");
    for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) noexcept {
    // le is inclusive: a value equal to a bound belongs to that bound's bucket.
    const std::size_t i =
        static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot out;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        out.cumulative.push_back(running);
    }
    out.sum = sum_.load(std::memory_order_relaxed);
    return out;
}

const std::vector<double>& latency_buckets() {
    static const std::vector<double> bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                               0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5, 10};
    return bounds;
}

struct Registry::Child {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;
};

struct Registry::Family {
    std::string name, help, type;
    std::vector<std::string> label_names;
    std::vector<std::unique_ptr<Child>> children;
};

Registry::Registry() = default;
Registry::~Registry() = default;

namespace {

bool valid_name(const std::string& name, bool label) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    if (label && name.rfind("__", 0) == 0) return false;
    return std::all_of(name.begin(), name.end(), [label](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (!label && c == ':');
    });
}

std::string escape_help(const std::string& help) {
    std::string out;
    for (char c : help) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

// Go's strconv 'g'-like shortest form Prometheus parsers accept; +Inf/-Inf/NaN spelled its way.
std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", v);
}

void write_labels(std::string& out, const Labels& labels, const char* extra_name = nullptr,
                  const std::string& extra_value = {}) {
    if (labels.empty() && !extra_name) return;
    out += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) out += ',';
        first = false;
        out += k + "=\"" + escape_label_value(v) + '"';
    }
    if (extra_name) {
        if (!first) out += ',';
        out += std::string(extra_name) + "=\"" + extra_value + '"';
    }
    out += '}';
}

}  // namespace

std::string escape_label_value(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, const char* type,
                                   const Labels& labels) {
    if (!valid_name(name, false)) throw std::invalid_argument("bad metric name '" + name + "'");
    std::vector<std::string> label_names;
    for (const auto& [k, v] : labels) {
        if (!valid_name(k, true) || k == "le") throw std::invalid_argument("bad label name '" + k + "' on " + name);
        label_names.push_back(k);
    }
    for (auto& f : families_) {
        if (f->name != name) continue;
        if (f->type != type || f->label_names != label_names)
            throw std::invalid_argument("metric '" + name + "' registered twice with another type or labels");
        return *f;
    }
    families_.push_back(std::make_unique<Family>(Family{name, help, type, std::move(label_names), {}}));
    return *families_.back();
}

Registry::Child* Registry::find(Family& f, const Labels& labels) {
    for (auto& c : f.children)
        if (c->labels == labels) return c.get();
    f.children.push_back(std::make_unique<Child>());
    f.children.back()->labels = labels;
    return nullptr;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    Family& f = family(name, help, "counter", labels);
    if (Child* c = find(f, labels)) return *c->counter;
    return *(f.children.back()->counter = std::make_unique<Counter>());
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    Family& f = family(name, help, "gauge", labels);
    if (Child* c = find(f, labels)) {
        if (!c->gauge) throw std::invalid_argument("gauge '" + name + "' is already a callback");
        return *c->gauge;
    }
    return *(f.children.back()->gauge = std::make_unique<Gauge>());
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                               const Labels& labels) {
    std::lock_guard lock(mutex_);
    Family& f = family(name, help, "histogram", labels);
    if (Child* c = find(f, labels)) return *c->histogram;
    return *(f.children.back()->histogram = std::make_unique<Histogram>(bounds));
}

void Registry::gauge_callback(const std::string& name, const std::string& help, std::function<double()> read,
                              const Labels& labels) {
    std::lock_guard lock(mutex_);
    Family& f = family(name, help, "gauge", labels);
    if (find(f, labels)) throw std::invalid_argument("gauge '" + name + "' registered twice");
    f.children.back()->read = std::move(read);
}

std::string Registry::render() const {
    // Families and children are only ever appended and never freed before the registry: take the
    // list under the lock, then read values without it, so a slow callback (Redis, SQL) never holds
    // up a registration.
    std::vector<std::pair<const Family*, std::vector<const Child*>>> snapshot;
    {
        std::lock_guard lock(mutex_);
        for (const auto& f : families_) {
            std::vector<const Child*> children;
            for (const auto& c : f->children) children.push_back(c.get());
            snapshot.emplace_back(f.get(), std::move(children));
        }
    }
    std::string out;
    for (const auto& [f, children] : snapshot) {
        out += "# HELP " + f->name + ' ' + escape_help(f->help) + '\n';
        out += "# TYPE " + f->name + ' ' + f->type + '\n';
        for (const Child* c : children) {
            if (c->counter || c->gauge) {
                out += f->name;
                write_labels(out, c->labels);
                out += ' ' + (c->counter ? std::to_string(c->counter->value()) : std::to_string(c->gauge->value()));
                out += '\n';
            } else if (c->read) {
                double v = 0;
                try {
                    v = c->read();
                } catch (const std::exception&) {
                    continue;  // a dependency is down: no sample beats a made-up one
                }
                out += f->name;
                write_labels(out, c->labels);
                out += ' ' + number(v) + '\n';
            } else if (c->histogram) {
                const Histogram::Snapshot s = c->histogram->snapshot();
                const auto& bounds = c->histogram->bounds();
                for (std::size_t i = 0; i <= bounds.size(); ++i) {
                    out += f->name + "_bucket";
                    write_labels(out, c->labels, "le", i < bounds.size() ? number(bounds[i]) : "+Inf");
                    out += ' ' + std::to_string(s.cumulative[i]) + '\n';
                }
                out += f->name + "_sum";
                write_labels(out, c->labels);
                out += ' ' + number(s.sum) + '\n';
                out += f->name + "_count";
                write_labels(out, c->labels);
                out += ' ' + std::to_string(s.cumulative.back()) + '\n';
            }
        }
    }
    return out;
}

}  // namespace kw::metrics
