// Connection, WebSocket part: from the upgrade (its ticket was checked by http_session.cpp) to the
// close. Subscriptions are authorized with WsCallbacks::authorize on the worker executor; outgoing
// messages go through a per-session queue, one async_write at a time, and a session whose queue
// outgrows Hub::max_queued() is dropped. The wire format is ws/protocol.hpp's. Runs on the
// connection's strand, except send() and revoke(), which any thread may call (they post to it).
#include <chrono>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http/connection.hpp"
#include "ws/protocol.hpp"
#include "ws/push.hpp"

namespace kw::http {

namespace {

// Hears a login session's revocation on the hub and closes the connection that belongs to it.
// Threads: send() is called on the hub's strand; revoke() posts to the connection's strand.
class RevocationSink final : public ws::Hub::Sink {
public:
    explicit RevocationSink(std::weak_ptr<Connection> connection) : connection_(std::move(connection)) {}
    void send(std::shared_ptr<const std::string>) override {
        if (auto connection = connection_.lock()) connection->revoke();
    }

private:
    std::weak_ptr<Connection> connection_;
};

}  // namespace

void Connection::send(std::shared_ptr<const std::string> text) {
    if (server_->cfg_.metrics) server_->cfg_.metrics->ws_pushes.inc();
    net::post(executor_, [self = shared_from_this(), text = std::move(text)]() mutable {
        self->enqueue(std::move(text));
    });
}

void Connection::revoke() {
    net::post(executor_, [self = shared_from_this()] {
        spdlog::info("event=ws_revoked remote={} principal={}", self->remote_address_, self->identity_.principal.id);
        self->start_close(websocket::close_reason(static_cast<websocket::close_code>(kWsRevokedCloseCode), "revoked"));
    });
}

net::awaitable<void> Connection::run_websocket(BeastRequest req, WsIdentity identity) {
    identity_ = std::move(identity);
    ws_.emplace(std::move(stream_));
    beast::get_lowest_layer(*ws_).expires_never();
    // Beast's suggested server settings, but idle after 60 s instead of 300 s: a ping goes out after
    // 30 s of silence, which also keeps proxies (nginx closes after 60 s by default) from cutting us.
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = std::chrono::seconds(60);
    ws_->set_option(timeouts);
    ws_->set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(bhttp::field::server, "kilowatt"); }));
    ws_->read_message_max(ws::kMaxIncomingMessage);

    auto [ec] = co_await ws_->async_accept(req, kAsTuple);
    if (ec) co_return;
    ws_open_ = true;
    // Open sessions, counted until this coroutine ends however it ends.
    struct Open {
        kw::metrics::HttpMetrics* metrics;
        explicit Open(kw::metrics::HttpMetrics* m) : metrics(m) {
            if (metrics) metrics->ws_clients.add();
        }
        ~Open() {
            if (metrics) metrics->ws_clients.sub();
        }
    } open(server_->cfg_.metrics);
    spdlog::debug("event=ws_open remote={} principal={}", remote_address_, identity_.principal.id);
    revocation_ = std::make_shared<RevocationSink>(weak_from_this());
    server_->hub_.subscribe(ws::session_channel(identity_.session), revocation_);
    if (stopping_) start_close(websocket::close_reason(websocket::close_code::going_away));

    beast::flat_buffer buffer;
    for (;;) {
        auto [rec, n] = co_await ws_->async_read(buffer, kAsTuple);
        if (rec) {
            if (rec == websocket::error::message_too_big) {
                spdlog::info("event=ws_message_too_big remote={}", remote_address_);
            }
            break;
        }
        std::string text = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        if (!ws_open_ || close_requested_) continue;  // closing: the read loop only waits for the close
        if (!ws_->got_text()) {
            enqueue(ws::error_message({}, "bad_request", "binary messages are not supported"));
            continue;
        }
        co_await on_ws_message(text);
    }

    ws_open_ = false;
    server_->hub_.remove(this);
    server_->hub_.remove(revocation_.get());
    channels_.clear();
    queue_.clear();
    beast::get_lowest_layer(*ws_).close();
    spdlog::debug("event=ws_closed remote={} principal={}", remote_address_, identity_.principal.id);
}

net::awaitable<void> Connection::on_ws_message(const std::string& text) {
    ws::ClientOp op = ws::parse_client_message(text);
    switch (op.kind) {
        case ws::ClientOp::Kind::invalid:
            enqueue(ws::error_message(op.channel, "bad_request", op.error));
            co_return;
        case ws::ClientOp::Kind::ping:
            enqueue(ws::pong_message());
            co_return;
        case ws::ClientOp::Kind::unsubscribe:
            if (channels_.erase(op.channel) > 0) server_->hub_.unsubscribe(op.channel, this);
            enqueue(ws::unsubscribed_message(op.channel));
            co_return;
        case ws::ClientOp::Kind::subscribe:
            break;
    }

    if (channels_.count(op.channel) > 0) {
        enqueue(ws::subscribed_message(op.channel));
        co_return;
    }
    if (channels_.size() >= ws::kMaxSubscriptions) {
        enqueue(ws::error_message(op.channel, "too_many_subscriptions",
                                  fmt::format("at most {} subscriptions per connection", ws::kMaxSubscriptions)));
        co_return;
    }
    std::string refusal = "forbidden";
    if (server_->ws_.authorize) {
        try {
            refusal = co_await on_worker([this, &op] { return server_->ws_.authorize(identity_, op.channel); });
        } catch (const std::exception& e) {
            spdlog::error("event=ws_authorize_threw channel={} error=\"{}\"", op.channel, e.what());
            refusal = "internal";
        }
    }
    if (!ws_open_ || close_requested_) co_return;
    if (refusal == "unauthorized") {
        start_close(websocket::close_reason(static_cast<websocket::close_code>(kWsRevokedCloseCode), "revoked"));
        co_return;
    }
    if (!refusal.empty()) {
        enqueue(ws::error_message(op.channel, refusal, "subscription refused"));
        co_return;
    }
    channels_.insert(op.channel);
    server_->hub_.subscribe(op.channel, shared_from_this());
    enqueue(ws::subscribed_message(op.channel));
}

void Connection::enqueue(std::shared_ptr<const std::string> text) {
    if (!ws_open_ || close_requested_) return;
    queue_.push_back(std::move(text));
    if (queue_.size() > server_->hub_.max_queued()) {
        spdlog::warn("event=ws_slow_consumer_dropped remote={} queued={}", remote_address_, queue_.size());
        ws_open_ = false;
        server_->hub_.remove(this);
        channels_.clear();
        queue_.clear();
        beast::get_lowest_layer(*ws_).close();
        return;
    }
    if (!writing_) write_next();
}

// One async_write at a time; the message is owned by the handler until the write completes.
void Connection::write_next() {
    if (queue_.empty() || !ws_open_) {
        writing_ = false;
        if (close_requested_ && ws_open_) {
            ws_->async_close(close_reason_, [self = shared_from_this()](beast::error_code) {});
        }
        return;
    }
    writing_ = true;
    auto message = std::move(queue_.front());
    queue_.pop_front();
    ws_->text(true);
    ws_->async_write(net::buffer(*message), [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
        if (ec) {
            self->writing_ = false;
            self->queue_.clear();
            return;
        }
        self->write_next();
    });
}

void Connection::start_close(websocket::close_reason reason) {
    if (!ws_open_ || close_requested_) return;
    close_requested_ = true;
    close_reason_ = std::move(reason);
    queue_.clear();
    if (!writing_) write_next();
}

}  // namespace kw::http
