#include "device/mqtt/inbox.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "service/charger_events.hpp"

namespace kw::device::mqtt {

namespace {

using Result = metrics::DeviceMetrics::Result;
using Clock = std::chrono::steady_clock;

// At most this many messages are taken from a slot at once: a long backlog is applied in batches of
// this size, and the slot's worker is given back between them so other slots get their turn.
constexpr std::size_t kMaxDrain = 256;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Parses the payload, runs `apply` on it; turns what they throw into a result, logged as before
// batching (event=mqtt_rejected / mqtt_handler_error).
template <class Apply>
Result run_logged(const std::string& topic, Apply&& apply) {
    try {
        apply();
        return Result::applied;
    } catch (const Error& e) {
        spdlog::warn("event=mqtt_rejected topic={} code={} reason=\"{}\"", topic, errc_name(e.errc()), e.what());
        return Result::rejected;
    } catch (const std::exception& e) {
        spdlog::error("event=mqtt_handler_error topic={} error=\"{}\"", topic, e.what());
        return Result::error;
    }
}

boost::json::object parse_object(const std::string& payload) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(payload, ec);
    if (ec) throw Error(Errc::bad_request, "payload is not valid JSON: " + ec.message());
    if (!v.is_object()) throw Error(Errc::bad_request, "payload must be a JSON object");
    return std::move(v.as_object());
}

}  // namespace

struct Inbox::Pending {
    int kind = -1;
    Handler handler = nullptr;
    std::string code;
    std::string topic;
    std::string payload;
    UtcMs received_at = 0;
};

// One slot per strand: the messages posted to it and not taken yet, and whether a drain is queued.
struct Inbox::Slot {
    explicit Slot(boost::asio::any_io_executor workers) : strand(boost::asio::make_strand(workers)) {}
    boost::asio::strand<boost::asio::any_io_executor> strand;
    std::mutex mutex;
    std::deque<Pending> queue;
    bool draining = false;
};

Inbox::Inbox(app::Context& ctx, metrics::DeviceMetrics& metrics, boost::asio::any_io_executor workers,
             std::function<void(const kw::mqtt::Message&)> other)
    : ctx_(ctx), metrics_(metrics), other_(std::move(other)) {
    for (std::size_t i = 0; i < kSlots; ++i) slots_.push_back(std::make_unique<Slot>(workers));
}

Inbox::~Inbox() = default;

std::size_t Inbox::slot_index(const std::string& code) { return std::hash<std::string>{}(code) % kSlots; }

void Inbox::on_message(const kw::mqtt::Message& m) {
    auto parts = parse_topic(m.topic);
    if (!parts) {
        if (other_) other_(m);
        return;
    }
    Handler handler = handler_for(parts->kind);
    if (!handler) return;  // e.g. our own cmd messages
    const std::size_t limit = max_payload(parts->kind);
    if (m.payload.size() > limit) {
        spdlog::warn("event=mqtt_rejected topic={} reason=\"payload of {} bytes exceeds {}\"", m.topic,
                     m.payload.size(), limit);
        return;
    }
    const UtcMs received_at = ctx_.clock.now();  // before any queueing: it measures the charger's clock
    Slot& slot = *slots_[slot_index(parts->code)];
    metrics_.queue_depth.add();
    bool post = false;
    {
        std::lock_guard lock(slot.mutex);
        slot.queue.push_back({metrics::DeviceMetrics::kind_index(parts->kind), handler, std::move(parts->code),
                              m.topic, m.payload, received_at});
        post = !std::exchange(slot.draining, true);
    }
    if (post) boost::asio::post(slot.strand, [this, &slot] { drain(slot); });
}

void Inbox::drain(Slot& slot) {
    std::vector<Pending> taken;
    {
        std::lock_guard lock(slot.mutex);
        const std::size_t n = std::min(slot.queue.size(), kMaxDrain);
        taken.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            taken.push_back(std::move(slot.queue.front()));
            slot.queue.pop_front();
        }
    }
    metrics_.queue_depth.sub(static_cast<std::int64_t>(taken.size()));
    apply(taken);
    bool more = false;
    {
        std::lock_guard lock(slot.mutex);
        more = !slot.queue.empty();
        slot.draining = more;
    }
    if (more) boost::asio::post(slot.strand, [this, &slot] { drain(slot); });
}

// Each charger's messages in its arrival order; different chargers' messages are independent. So
// the meter samples every charger sent before its next other message are applied as one batch,
// then each charger's next other message alone (after its samples before it), and so on: one
// charger's messages keep their order, and another charger's status or transaction event between
// them does not split the batch.
void Inbox::apply(const std::vector<Pending>& messages) {
    const int meter = metrics::DeviceMetrics::kind_index("meter");
    std::vector<MeterSample> samples;
    std::vector<const Pending*> sources;
    Clock::time_point batch_start{};
    auto flush = [&] {
        if (samples.empty()) return;
        const auto outcomes = service::apply_meter_samples(ctx_, samples);
        const double each = seconds_since(batch_start) / static_cast<double>(samples.size());
        metrics_.meter_batch.observe(static_cast<double>(samples.size()));
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            Result result = Result::applied;
            if (outcomes[i].error)
                result = run_logged(sources[i]->topic, [&] { std::rethrow_exception(outcomes[i].error); });
            else if (outcomes[i].result == service::MeterOutcome::Result::stale)
                result = Result::stale;
            else if (outcomes[i].result == service::MeterOutcome::Result::refused)
                result = Result::rejected;
            metrics_.handled(meter, result, each);
        }
        samples.clear();
        sources.clear();
    };
    auto add_sample = [&](const Pending& m) {
        const auto start = Clock::now();
        if (samples.empty()) batch_start = start;
        bool parsed = false;
        const Result result = run_logged(m.topic, [&] {
            samples.push_back(parse_meter(ctx_, m.code, parse_object(m.payload), m.received_at));
            sources.push_back(&m);
            parsed = true;
        });
        if (!parsed) metrics_.handled(m.kind, result, seconds_since(start));
    };
    auto apply_alone = [&](const Pending& m) {
        const auto begin = Clock::now();
        const Result result =
            run_logged(m.topic, [&] { m.handler(ctx_, m.code, parse_object(m.payload), m.received_at); });
        metrics_.handled(m.kind, result, seconds_since(begin));
    };

    // Each charger's messages, in arrival order; `next` is how far each has been applied.
    std::unordered_map<std::string_view, std::size_t> charger_of;
    std::vector<std::vector<const Pending*>> chargers;
    for (const Pending& m : messages) {
        auto [it, added] = charger_of.try_emplace(m.code, chargers.size());
        if (added) chargers.emplace_back();
        chargers[it->second].push_back(&m);
    }
    std::vector<std::size_t> next(chargers.size(), 0);
    for (bool left = true; left;) {
        for (std::size_t c = 0; c < chargers.size(); ++c)
            for (; next[c] < chargers[c].size() && chargers[c][next[c]]->kind == meter; ++next[c])
                add_sample(*chargers[c][next[c]]);
        flush();
        left = false;
        for (std::size_t c = 0; c < chargers.size(); ++c) {
            if (next[c] == chargers[c].size()) continue;
            apply_alone(*chargers[c][next[c]++]);
            left = left || next[c] < chargers[c].size();
        }
    }
}

}  // namespace kw::device::mqtt
