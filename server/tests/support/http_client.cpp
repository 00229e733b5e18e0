// The one Beast translation unit of the tests. Synchronous facade over async Beast operations run
// on a private io_context, so that every operation can time out.
#include "http_client.hpp"

#include <deque>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>

namespace kw::test {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Runs io's handlers until done() or the deadline; returns done().
template <class Done>
bool pump(net::io_context& io, Done done, Clock::time_point deadline) {
    while (!done()) {
        auto now = Clock::now();
        if (now >= deadline) return false;
        io.restart();
        if (io.run_one_for(deadline - now) == 0 && io.stopped() && !done()) {
            // Out of work: nothing can make done() true any more.
            return done();
        }
    }
    return true;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

tcp::resolver::results_type resolve(net::io_context& io, const std::string& host, int port) {
    tcp::resolver resolver(io);
    return resolver.resolve(host, std::to_string(port));
}

void connect(net::io_context& io, beast::tcp_stream& stream, const std::string& host, int port,
             std::chrono::milliseconds timeout) {
    auto endpoints = resolve(io, host, port);
    beast::error_code result = net::error::would_block;
    stream.expires_after(timeout);
    stream.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) { result = ec; });
    io.restart();
    io.run();
    if (result) {
        throw std::runtime_error("connect to " + host + ":" + std::to_string(port) + " failed: " + result.message());
    }
}

HttpResult to_result(bhttp::response<bhttp::string_body>& res) {
    HttpResult result;
    result.status = static_cast<int>(res.result_int());
    result.body = std::move(res.body());
    for (const auto& field : res) {
        result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    return result;
}

}  // namespace

boost::json::value HttpResult::json() const { return boost::json::parse(body); }

std::string HttpResult::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return {};
}

// ---- HttpClient ------------------------------------------------------------------------------

struct HttpClient::State {
    net::io_context io;
    std::optional<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    std::string host;
    int port;
    std::chrono::milliseconds timeout;
    int connections_opened = 0;

    HttpResult exchange(beast::tcp_stream& s, bhttp::request<bhttp::string_body>& req) {
        beast::error_code result = net::error::would_block;
        s.expires_after(timeout);
        bhttp::async_write(s, req, [&](beast::error_code ec, std::size_t) { result = ec; });
        io.restart();
        io.run();
        if (result) throw std::runtime_error("HTTP write failed: " + result.message());
        return read_response(s, buffer);
    }

    HttpResult read_response(beast::tcp_stream& s, beast::flat_buffer& buffer) {
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        beast::error_code result = net::error::would_block;
        s.expires_after(timeout);
        bhttp::async_read(s, buffer, parser, [&](beast::error_code ec, std::size_t) { result = ec; });
        io.restart();
        io.run();
        if (result) throw std::runtime_error("HTTP read failed: " + result.message());
        auto res = parser.release();
        bool keep_alive = res.keep_alive();
        HttpResult out = to_result(res);
        if (!keep_alive) out.closed = true;
        return out;
    }
};

HttpClient::HttpClient(std::string host, int port, std::chrono::milliseconds timeout)
    : state_(std::make_unique<State>()) {
    state_->host = std::move(host);
    state_->port = port;
    state_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::string& token, const std::string& content_type) {
    State& s = *state_;
    if (!s.stream || !s.stream->socket().is_open()) {
        s.stream.emplace(s.io);
        s.buffer.clear();
        connect(s.io, *s.stream, s.host, s.port, s.timeout);
        ++s.connections_opened;
    }
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(bhttp::field::host, s.host + ":" + std::to_string(s.port));
    req.set(bhttp::field::user_agent, "kw-test");
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    try {
        HttpResult result = s.exchange(*s.stream, req);
        if (result.closed) {
            beast::error_code ec;
            s.stream->socket().close(ec);
            result.closed = false;  // only raw() reports it
        }
        return result;
    } catch (...) {
        s.stream.reset();
        throw;
    }
}

HttpResult HttpClient::get(const std::string& target, const std::string& token) {
    return request("GET", target, {}, token);
}

HttpResult HttpClient::post(const std::string& target, const std::string& body, const std::string& token) {
    return request("POST", target, body, token);
}

HttpResult HttpClient::put(const std::string& target, const std::string& body, const std::string& token) {
    return request("PUT", target, body, token);
}

HttpResult HttpClient::del(const std::string& target, const std::string& token) {
    return request("DELETE", target, {}, token);
}

HttpResult HttpClient::raw(const std::string& raw_bytes) {
    State& s = *state_;
    beast::tcp_stream stream(s.io);
    connect(s.io, stream, s.host, s.port, s.timeout);
    beast::error_code result = net::error::would_block;
    stream.expires_after(s.timeout);
    net::async_write(stream, net::buffer(raw_bytes), [&](beast::error_code ec, std::size_t) { result = ec; });
    s.io.restart();
    s.io.run();
    if (result) throw std::runtime_error("raw write failed: " + result.message());

    beast::flat_buffer buffer;
    HttpResult out = s.read_response(stream, buffer);
    // Closed means: reading more ends with EOF/reset before the timeout.
    char byte;
    result = net::error::would_block;
    stream.expires_after(s.timeout);
    stream.async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, std::size_t) { result = ec; });
    s.io.restart();
    s.io.run();
    out.closed = result == net::error::eof || result == net::error::connection_reset;
    return out;
}

int HttpClient::connections_opened() const { return state_->connections_opened; }

// ---- WsClient --------------------------------------------------------------------------------

struct WsClient::State {
    net::io_context io;
    websocket::stream<beast::tcp_stream> ws{io};
    beast::flat_buffer buffer;
    std::deque<std::string> inbox;
    beast::error_code read_error;
    bool ended = false;

    void start_read() {
        ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
            if (ec) {
                read_error = ec;
                ended = true;
                return;
            }
            inbox.push_back(beast::buffers_to_string(buffer.data()));
            buffer.consume(buffer.size());
            start_read();
        });
    }
};

WsClient::WsClient(std::string host, int port, std::string target, const std::string& bearer_token)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    constexpr auto kTimeout = std::chrono::seconds(10);
    connect(s.io, beast::get_lowest_layer(s.ws), host, port, kTimeout);
    if (!bearer_token.empty()) {
        s.ws.set_option(websocket::stream_base::decorator([bearer_token](websocket::request_type& req) {
            req.set(bhttp::field::authorization, "Bearer " + bearer_token);
        }));
    }
    websocket::response_type res;
    beast::error_code result = net::error::would_block;
    beast::get_lowest_layer(s.ws).expires_after(kTimeout);
    s.ws.async_handshake(res, host + ":" + std::to_string(port), target,
                         [&](beast::error_code ec) { result = ec; });
    s.io.restart();
    s.io.run();
    if (result == websocket::error::upgrade_declined) {
        throw WsUpgradeError(static_cast<int>(res.result_int()),
                             "WebSocket upgrade refused with HTTP " + std::to_string(res.result_int()));
    }
    if (result) throw std::runtime_error("WebSocket handshake failed: " + result.message());
    beast::get_lowest_layer(s.ws).expires_never();
    s.ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    s.start_read();
}

WsClient::~WsClient() {
    try {
        if (!state_->ended) {
            beast::error_code ec;
            beast::get_lowest_layer(state_->ws).socket().close(ec);
        }
    } catch (...) {
    }
}

void WsClient::send(const std::string& text) {
    State& s = *state_;
    auto message = std::make_shared<std::string>(text);
    auto result = std::make_shared<std::optional<beast::error_code>>();
    s.ws.text(true);
    s.ws.async_write(net::buffer(*message), [message, result](beast::error_code ec, std::size_t) { *result = ec; });
    if (!pump(s.io, [&] { return result->has_value(); }, Clock::now() + std::chrono::seconds(10))) {
        throw std::runtime_error("WebSocket send timed out");
    }
    if (**result) throw std::runtime_error("WebSocket send failed: " + (*result)->message());
}

std::optional<std::string> WsClient::receive(std::chrono::milliseconds timeout) {
    State& s = *state_;
    pump(s.io, [&] { return !s.inbox.empty() || s.ended; }, Clock::now() + timeout);
    if (s.inbox.empty()) return std::nullopt;
    std::string message = std::move(s.inbox.front());
    s.inbox.pop_front();
    return message;
}

boost::json::value WsClient::receive_json_until(std::function<bool(const boost::json::value&)> pred,
                                                std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    std::string last;
    for (;;) {
        auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto message = receive(std::max(remaining, std::chrono::milliseconds(0)));
        if (!message) {
            throw std::runtime_error(std::string(closed() ? "WebSocket closed" : "timed out") +
                                     " waiting for a matching message; last received: " + last);
        }
        last = *message;
        boost::json::value value = boost::json::parse(*message);
        if (pred(value)) return value;
    }
}

void WsClient::close() {
    State& s = *state_;
    if (s.ended) return;
    auto done = std::make_shared<bool>(false);
    s.ws.async_close(websocket::close_code::normal, [done](beast::error_code) { *done = true; });
    pump(s.io, [&] { return *done && s.ended; }, Clock::now() + std::chrono::seconds(5));
}

bool WsClient::closed() const { return state_->ended; }

int WsClient::close_code() const { return static_cast<int>(state_->ws.reason().code); }

}  // namespace kw::test
