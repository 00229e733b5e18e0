#include "device/mqtt/inbox.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"

namespace kw::device::mqtt {

struct Inbox::Strands {
    std::vector<boost::asio::strand<boost::asio::any_io_executor>> all;
};

Inbox::Inbox(app::Context& ctx, metrics::DeviceMetrics& metrics, boost::asio::any_io_executor workers,
             std::function<void(const kw::mqtt::Message&)> other)
    : ctx_(ctx), metrics_(metrics), strands_(std::make_unique<Strands>()), other_(std::move(other)) {
    for (int i = 0; i < 64; ++i) strands_->all.push_back(boost::asio::make_strand(workers));
}

Inbox::~Inbox() = default;

void Inbox::on_message(const kw::mqtt::Message& m) {
    auto parts = parse_topic(m.topic);
    if (!parts) {
        if (other_) other_(m);
        return;
    }
    Handler handler = handler_for(parts->kind);
    if (!handler) return;  // e.g. our own cmd messages
    if (m.payload.size() > kMaxPayload) {
        spdlog::warn("event=mqtt_rejected topic={} reason=\"payload of {} bytes exceeds {}\"", m.topic,
                     m.payload.size(), kMaxPayload);
        return;
    }
    const std::size_t slot = std::hash<std::string>{}(parts->code) % strands_->all.size();
    const int kind = metrics::DeviceMetrics::kind_index(parts->kind);
    metrics_.queue_depth.add();
    boost::asio::post(strands_->all[slot], [this, kind, code = parts->code, handler, topic = m.topic,
                                            payload = m.payload] {
        using Result = metrics::DeviceMetrics::Result;
        metrics_.queue_depth.sub();
        const auto start = std::chrono::steady_clock::now();
        Result result = Result::applied;
        try {
            boost::system::error_code ec;
            boost::json::value v = boost::json::parse(payload, ec);
            if (ec) throw Error(Errc::bad_request, "payload is not valid JSON: " + ec.message());
            if (!v.is_object()) throw Error(Errc::bad_request, "payload must be a JSON object");
            handler(ctx_, code, v.as_object());
        } catch (const Error& e) {
            result = Result::rejected;
            spdlog::warn("event=mqtt_rejected topic={} code={} reason=\"{}\"", topic, errc_name(e.errc()), e.what());
        } catch (const std::exception& e) {
            result = Result::error;
            spdlog::error("event=mqtt_handler_error topic={} error=\"{}\"", topic, e.what());
        }
        metrics_.handled(kind, result,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    });
}

}  // namespace kw::device::mqtt
