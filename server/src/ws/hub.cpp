#include "ws/hub.hpp"

#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "domain/json_text.hpp"

namespace kw::ws {

struct Hub::State {
    explicit State(boost::asio::any_io_executor io) : strand(boost::asio::make_strand(std::move(io))) {}

    boost::asio::strand<boost::asio::any_io_executor> strand;
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::unordered_map<Sink*, std::shared_ptr<Sink>>> channels;
    std::unordered_map<Sink*, std::unordered_set<std::string>> channels_of_sink;

    // Callers hold `mutex`. Returns the table's reference so the caller drops it after unlocking (a
    // sink's destructor must never run under the hub's lock).
    std::shared_ptr<Sink> erase(const std::string& channel, Sink* sink) {
        auto it = channels.find(channel);
        if (it == channels.end()) return nullptr;
        std::shared_ptr<Sink> released;
        if (auto found = it->second.find(sink); found != it->second.end()) {
            released = std::move(found->second);
            it->second.erase(found);
        }
        if (it->second.empty()) channels.erase(it);
        return released;
    }
};

Hub::Hub(boost::asio::any_io_executor io, std::size_t max_queued)
    : state_(std::make_shared<State>(std::move(io))), max_queued_(max_queued) {}

Hub::~Hub() = default;

std::string Hub::format_message(const std::string& channel, const std::string& event,
                                const std::string& data_json) {
    std::string text = "{\"channel\":";
    domain::append_json_string(text, channel);
    text += ",\"event\":";
    domain::append_json_string(text, event);
    text += ",\"data\":";
    text += data_json.empty() ? std::string("null") : data_json;
    text += '}';
    return text;
}

void Hub::publish(const std::string& channel, const std::string& event, const std::string& data_json) {
    {
        std::lock_guard lock(state_->mutex);
        if (!state_->channels.contains(channel)) return;
    }
    auto text = std::make_shared<const std::string>(format_message(channel, event, data_json));
    boost::asio::post(state_->strand, [state = state_, channel, text] {
        std::vector<std::shared_ptr<Sink>> sinks;
        {
            std::lock_guard lock(state->mutex);
            auto it = state->channels.find(channel);
            if (it == state->channels.end()) return;
            sinks.reserve(it->second.size());
            for (const auto& [ptr, sink] : it->second) sinks.push_back(sink);
        }
        for (const auto& sink : sinks) sink->send(text);
    });
}

bool Hub::watched(const std::vector<std::string>& channels) const {
    std::lock_guard lock(state_->mutex);
    for (const auto& channel : channels)
        if (state_->channels.contains(channel)) return true;
    return false;
}

void Hub::subscribe(const std::string& channel, std::shared_ptr<Sink> sink) {
    std::lock_guard lock(state_->mutex);
    Sink* key = sink.get();
    state_->channels[channel].emplace(key, std::move(sink));
    state_->channels_of_sink[key].insert(channel);
}

void Hub::unsubscribe(const std::string& channel, Sink* sink) {
    std::shared_ptr<Sink> released;
    std::lock_guard lock(state_->mutex);
    released = state_->erase(channel, sink);
    auto it = state_->channels_of_sink.find(sink);
    if (it == state_->channels_of_sink.end()) return;
    it->second.erase(channel);
    if (it->second.empty()) state_->channels_of_sink.erase(it);
}

void Hub::remove(Sink* sink) {
    std::vector<std::shared_ptr<Sink>> released;
    std::lock_guard lock(state_->mutex);
    auto it = state_->channels_of_sink.find(sink);
    if (it == state_->channels_of_sink.end()) return;
    for (const auto& channel : it->second) released.push_back(state_->erase(channel, sink));
    state_->channels_of_sink.erase(it);
}

std::size_t Hub::subscriber_count(const std::string& channel) const {
    std::lock_guard lock(state_->mutex);
    auto it = state_->channels.find(channel);
    return it == state_->channels.end() ? 0 : it->second.size();
}

}  // namespace kw::ws
