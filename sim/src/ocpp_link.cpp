// OcppLink: the WebSocket client of one OCPP charge point, on Boost.Beast (the only file with Beast).
#include "ocpp_link.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>

namespace kw::sim {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kMaxFrameBytes = 1024 * 1024;

// A coroutine's end: an exception is a bug in a callback; it is logged, never rethrown into run().
void log_failure(std::exception_ptr e) {
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        spdlog::error("event=ocpp_link_failed error=\"{}\"", ex.what());
    }
}

}  // namespace

struct OcppLink::Impl : std::enable_shared_from_this<Impl> {
    Impl(net::any_io_executor ex, OcppLinkOptions options, Callbacks callbacks)
        : ex(ex), resolver(ex), ws(ex), opts(std::move(options)), cb(std::move(callbacks)) {}

    net::awaitable<void> run();
    net::awaitable<void> write_loop();
    net::awaitable<void> close_handshake();
    void send(std::string text);
    void close(bool going_away);
    void kill();
    void finish(const std::string& why);
    void drop_socket() {
        beast::error_code ec;
        beast::get_lowest_layer(ws).socket().close(ec);
    }

    net::any_io_executor ex;
    tcp::resolver resolver;
    websocket::stream<beast::tcp_stream> ws;
    OcppLinkOptions opts;
    Callbacks cb;
    std::deque<std::string> outbox;
    bool upgraded = false;
    bool writing = false;
    bool close_wanted = false;
    bool going_away = false;
    bool done = false;      // the connection ended: nothing more happens
    bool detached = false;  // the owner is gone (or killed it): no callbacks
};

net::awaitable<void> OcppLink::Impl::run() {
    auto self = shared_from_this();
    auto [rec, endpoints] = co_await resolver.async_resolve(opts.host, opts.port, kAsTuple);
    if (done) co_return;
    if (rec) co_return finish("resolve: " + rec.message());
    auto& tcp_stream = beast::get_lowest_layer(ws);
    tcp_stream.expires_after(std::chrono::seconds(opts.connect_timeout_s));
    auto [cec, endpoint] = co_await tcp_stream.async_connect(endpoints, kAsTuple);
    if (done) co_return;
    if (cec) co_return finish("connect: " + cec.message());
    beast::error_code ignored;
    tcp_stream.socket().set_option(tcp::no_delay(true), ignored);
    tcp_stream.expires_never();  // the websocket stream's own timeouts from here on

    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.handshake_timeout = std::chrono::seconds(opts.connect_timeout_s);
    if (opts.ping_interval_s > 0) {
        timeouts.idle_timeout = std::chrono::seconds(2 * opts.ping_interval_s);
        timeouts.keep_alive_pings = true;
    }
    ws.set_option(timeouts);
    ws.set_option(
        websocket::stream_base::decorator(
            [auth = opts.authorization, sub = opts.subprotocol](websocket::request_type& req) {
                req.set(http::field::sec_websocket_protocol, sub);
                if (!auth.empty()) req.set(http::field::authorization, auth);
                req.set(http::field::user_agent, "kilowatt-sim");
            }));
    ws.read_message_max(kMaxFrameBytes);
    websocket::response_type res;
    const std::string host = opts.host.find(':') != std::string::npos ? "[" + opts.host + "]:" + opts.port
                                                                      : opts.host + ":" + opts.port;
    auto [hec] = co_await ws.async_handshake(res, host, opts.target, kAsTuple);
    if (done) co_return;
    if (hec) {
        if (hec == websocket::error::upgrade_declined)
            co_return finish(fmt::format("upgrade declined: HTTP {}", res.result_int()));
        co_return finish("handshake: " + hec.message());
    }
    if (res[http::field::sec_websocket_protocol] != opts.subprotocol) {
        drop_socket();
        co_return finish("the central system did not accept subprotocol " + opts.subprotocol);
    }
    ws.text(true);
    upgraded = true;
    if (!detached && cb.opened) cb.opened();

    beast::flat_buffer buffer;
    while (!done) {
        auto [ec, n] = co_await ws.async_read(buffer, kAsTuple);
        if (done) co_return;
        if (ec) {
            if (ec == websocket::error::closed) {
                const auto& reason = ws.reason();
                co_return finish(fmt::format("closed code={} reason=\"{}\"", static_cast<int>(reason.code),
                                             std::string_view(reason.reason.data(), reason.reason.size())));
            }
            co_return finish(ec.message());
        }
        if (ws.got_text()) {
            std::string text = beast::buffers_to_string(buffer.data());
            buffer.consume(buffer.size());
            if (!detached && cb.text) cb.text(std::move(text));
        } else {
            buffer.consume(buffer.size());
            spdlog::warn("event=ocpp_binary_frame target={} bytes={}", opts.target, n);
        }
    }
}

void OcppLink::Impl::finish(const std::string& why) {
    if (done) return;
    done = true;
    upgraded = false;
    drop_socket();
    if (!detached && cb.closed) cb.closed(why);
}

void OcppLink::Impl::send(std::string text) {
    if (!upgraded || done || close_wanted) return;
    outbox.push_back(std::move(text));
    if (writing) return;
    writing = true;
    net::co_spawn(ex, write_loop(), log_failure);
}

net::awaitable<void> OcppLink::Impl::write_loop() {
    auto self = shared_from_this();
    while (!outbox.empty() && !done) {
        auto [ec, n] = co_await ws.async_write(net::buffer(outbox.front()), kAsTuple);
        if (ec) break;  // the read loop sees the connection end
        outbox.pop_front();
    }
    writing = false;
    if (close_wanted && !done) co_await close_handshake();
}

void OcppLink::Impl::close(bool away) {
    if (done) return;
    if (!upgraded) {  // still connecting: nothing to say goodbye on
        kill();
        return;
    }
    if (close_wanted) return;
    close_wanted = true;
    going_away = away;
    if (!writing) net::co_spawn(ex, close_handshake(), log_failure);
}

net::awaitable<void> OcppLink::Impl::close_handshake() {
    auto self = shared_from_this();
    const auto code = going_away ? websocket::close_code::going_away : websocket::close_code::normal;
    auto [ec] = co_await ws.async_close(websocket::close_reason(code), kAsTuple);
    // The read loop usually ends first, with `closed`, when the peer's close frame comes.
    if (!done) finish(ec ? "close: " + ec.message() : std::string("closed by the charge point"));
}

void OcppLink::Impl::kill() {
    detached = true;
    done = true;
    upgraded = false;
    resolver.cancel();
    drop_socket();
}

OcppLink::OcppLink(net::any_io_executor ex, OcppLinkOptions options, Callbacks callbacks)
    : impl_(std::make_shared<Impl>(ex, std::move(options), std::move(callbacks))) {}

OcppLink::~OcppLink() {
    impl_->detached = true;
    if (!impl_->done) impl_->kill();
}

void OcppLink::open() { net::co_spawn(impl_->ex, impl_->run(), log_failure); }

void OcppLink::send(std::string text) { impl_->send(std::move(text)); }

void OcppLink::close(bool going_away) { impl_->close(going_away); }

void OcppLink::kill() { impl_->kill(); }

bool OcppLink::is_open() const { return impl_->upgraded && !impl_->done && !impl_->close_wanted; }

bool OcppLink::socket_open() const { return beast::get_lowest_layer(impl_->ws).socket().is_open(); }

}  // namespace kw::sim
