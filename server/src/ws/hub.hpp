#pragma once
// Hub: the in-process push fan-out. Owns the channel -> subscribed sinks table. A sink is one
// WebSocket session (http/ws_session.cpp); the hub never touches sockets.
// Threads: every member may be called from any thread. publish() never blocks: it formats the
// message once and posts the fan-out to a strand of the io executor, so messages published from one
// thread reach each sink in publish order. subscribe()/unsubscribe()/remove() take effect before
// they return. A sink's send() must not block either (the session queues and writes on its strand,
// and drops itself when more than max_queued() messages are waiting).
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "ws/push.hpp"

namespace kw::ws {

class Hub final : public Push {
public:
    static constexpr std::size_t kDefaultMaxQueued = 1024;

    struct Sink {
        virtual ~Sink() = default;
        // Called on the hub's strand with the full message text; must not block.
        virtual void send(std::shared_ptr<const std::string> text) = 0;
    };

    explicit Hub(boost::asio::any_io_executor io, std::size_t max_queued = kDefaultMaxQueued);
    ~Hub() override;
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    // Sends {"channel":..., "event":..., "data":<data_json>} to every subscriber of `channel`.
    // data_json is inserted verbatim (it must be valid JSON; empty means null).
    // Nothing is formatted or posted for a channel nobody subscribes to.
    void publish(const std::string& channel, const std::string& event, const std::string& data_json) override;
    bool watched(const std::vector<std::string>& channels) const override;

    void subscribe(const std::string& channel, std::shared_ptr<Sink> sink);
    void unsubscribe(const std::string& channel, Sink* sink);
    void remove(Sink* sink);  // from every channel; a session calls it when it ends

    std::size_t subscriber_count(const std::string& channel) const;
    // How many outgoing messages a session may hold before it is dropped as too slow.
    std::size_t max_queued() const { return max_queued_; }

    // The message text publish() sends; exposed for the Redis-backed Push and for tests.
    static std::string format_message(const std::string& channel, const std::string& event,
                                      const std::string& data_json);

private:
    struct State;
    std::shared_ptr<State> state_;  // shared with posted fan-outs so they never outlive it
    std::size_t max_queued_;
};

}  // namespace kw::ws
