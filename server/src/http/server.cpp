// The one Beast translation unit of the server: HTTP/1.1 sessions and WebSocket sessions. Modelled
// on Beast's advanced/server-flex-awaitable: a coroutine per connection on its own strand, errors
// expected on the wire handled as values (as_tuple), blocking work sent to the worker executor.
#include "http/server.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "http/static_files.hpp"
#include "ws/hub.hpp"
#include "ws/protocol.hpp"
#include "ws/push.hpp"

namespace kw::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kLingerTime = std::chrono::seconds(2);  // drain an unread body before closing
constexpr std::size_t kLingerMaxBytes = 4 * 1024 * 1024;
constexpr auto kHardCloseSettle = std::chrono::milliseconds(500);

using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

Response error_response(int status, std::string_view code, std::string_view message) {
    Response response;
    response.status = status;
    response.body = boost::json::serialize(boost::json::object{{"code", code}, {"message", message}});
    return response;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string bearer_token_of(std::string_view authorization) {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.size() <= kScheme.size() || !iequals(authorization.substr(0, kScheme.size()), kScheme)) {
        return {};
    }
    auto token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return std::string(token);
}

// True if the raw path has a "." or ".." segment, also when dots or slashes are percent-encoded.
// Checked on the raw target so that no decoding or normalisation step can hide a climb out of a root.
bool has_dot_segment(std::string_view raw_path) {
    std::string plain;
    for (std::size_t i = 0; i < raw_path.size(); ++i) {
        if (raw_path[i] == '%' && i + 2 < raw_path.size()) {
            const char a = raw_path[i + 1], b = static_cast<char>(std::tolower(raw_path[i + 2]));
            if (a == '2' && b == 'e') { plain += '.'; i += 2; continue; }
            if (a == '2' && b == 'f') { plain += '/'; i += 2; continue; }
            if (a == '5' && b == 'c') { plain += '/'; i += 2; continue; }
        }
        plain += raw_path[i] == '\\' ? '/' : raw_path[i];
    }
    std::size_t pos = 0;
    while (pos <= plain.size()) {
        std::size_t end = plain.find('/', pos);
        if (end == std::string::npos) end = plain.size();
        std::string_view seg(plain.data() + pos, end - pos);
        if (seg == "." || seg == "..") return true;
        pos = end + 1;
    }
    return false;
}

// Beast's request -> the application's Request; nullopt if the target is not a usable origin-form.
std::optional<Request> to_request(BeastRequest& req, const std::string& remote_address) {
    auto url = boost::urls::parse_origin_form(req.target());
    if (!url) return std::nullopt;
    if (has_dot_segment(url->encoded_path())) return std::nullopt;
    Request out;
    out.path = url->path();
    if (out.path.find('\0') != std::string::npos) return std::nullopt;
    for (auto param : url->params()) out.query[param.key] = param.value;
    out.method = std::string(req.method_string());
    out.body = std::move(req.body());
    out.bearer_token = bearer_token_of(req[bhttp::field::authorization]);
    out.remote_address = remote_address;
    out.real_ip = std::string(req["X-Real-IP"]);
    return out;
}

BeastResponse to_beast(Response response, unsigned version, bool head) {
    BeastResponse res;
    res.version(version);
    res.result(static_cast<unsigned>(response.status));
    res.set(bhttp::field::server, "kilowatt");
    if (response.status == 204 || response.status == 304) response.body.clear();
    if (!response.body.empty() && !response.content_type.empty()) {
        res.set(bhttp::field::content_type, response.content_type);
    }
    for (auto& [name, value] : response.headers) res.insert(name, value);
    res.body() = std::move(response.body);
    res.prepare_payload();
    if (head) res.body().clear();  // Content-Length stays that of the GET
    return res;
}

void log_access(const std::string& method, std::string_view path, unsigned status,
                std::chrono::steady_clock::time_point start) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    spdlog::debug("event=http_request method={} path={} status={} ms={}", method, path, status, ms.count());
}

void log_exception(std::exception_ptr error, std::string_view event) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::error("event={} error=\"{}\"", event, e.what());
    }
}

}  // namespace

class Connection;

// Shared by the Server facade, the accept loop and every connection.
class Server::Impl : public std::enable_shared_from_this<Server::Impl> {
public:
    Impl(net::io_context& io, net::any_io_executor worker, ServerConfig cfg,
         std::function<Response(Request&)> api_handler, ws::Hub& hub, WsCallbacks ws)
        : io_(io),
          worker_(std::move(worker)),
          cfg_(std::move(cfg)),
          api_handler_(std::move(api_handler)),
          hub_(hub),
          ws_(std::move(ws)),
          acceptor_(net::make_strand(io)) {
        if (!cfg_.admin_root.empty()) admin_.emplace("/admin/", cfg_.admin_root);
        if (!cfg_.app_root.empty()) app_.emplace("/app/", cfg_.app_root);
    }

    void start();
    void stop(std::chrono::milliseconds grace);
    void close_everything();

    // Connection registry; false once stopping (the caller drops the connection).
    bool add(const std::shared_ptr<Connection>& connection);
    void remove(Connection* connection);

    net::io_context& io_;
    net::any_io_executor worker_;
    const ServerConfig cfg_;
    const std::function<Response(Request&)> api_handler_;
    ws::Hub& hub_;
    const WsCallbacks ws_;
    std::optional<StaticFiles> admin_;
    std::optional<StaticFiles> app_;
    std::atomic<int> port_{0};

private:
    static net::awaitable<void> accept_loop(std::shared_ptr<Impl> self);
    std::vector<std::shared_ptr<Connection>> snapshot();  // callers hold mutex_

    tcp::acceptor acceptor_;  // used on its own strand once listening
    std::mutex mutex_;
    std::condition_variable all_closed_;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
    bool stopping_ = false;
};

// One client connection: HTTP requests until it upgrades to a WebSocket, then that session.
// Everything but send(), begin_stop() and close_now() runs on the connection's strand; those three
// may be called from any thread and post to it.
class Connection final : public ws::Hub::Sink, public std::enable_shared_from_this<Connection> {
public:
    Connection(std::shared_ptr<Server::Impl> server, tcp::socket socket)
        : server_(std::move(server)), executor_(socket.get_executor()), stream_(std::move(socket)) {
        beast::error_code ec;
        auto endpoint = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_address_ = endpoint.address().to_string();
    }

    const net::any_io_executor& executor() const { return executor_; }

    static net::awaitable<void> run(std::shared_ptr<Connection> self);

    void send(std::shared_ptr<const std::string> text) override {
        net::post(executor_, [self = shared_from_this(), text = std::move(text)]() mutable {
            self->enqueue(std::move(text));
        });
    }

    // Server shutdown: idle HTTP connections close now, busy ones after their response,
    // WebSockets get a 1001 close.
    void begin_stop() {
        net::post(executor_, [self = shared_from_this()] {
            self->stopping_ = true;
            if (self->ws_) {
                self->start_close(websocket::close_reason(websocket::close_code::going_away));
            } else if (self->phase_ == Phase::reading) {
                self->stream_.cancel();
            }
        });
    }

    void close_now() {
        net::post(executor_, [self = shared_from_this()] {
            self->ws_open_ = false;
            if (self->ws_) {
                beast::get_lowest_layer(*self->ws_).close();
            } else {
                self->stream_.close();
            }
        });
    }

private:
    enum class Phase { reading, handling, closing };

    net::awaitable<void> serve_http();
    net::awaitable<Response> respond(Request& request);
    net::awaitable<std::optional<WsIdentity>> authenticate_upgrade(const Request& request);
    net::awaitable<Response> readiness();
    net::awaitable<void> reply_and_close(int status, std::string_view code, std::string_view message);
    net::awaitable<void> linger_close();

    net::awaitable<void> run_websocket(BeastRequest req, WsIdentity identity);
    net::awaitable<void> on_ws_message(const std::string& text);
    void enqueue(std::shared_ptr<const std::string> text);
    void enqueue(std::string text) { enqueue(std::make_shared<const std::string>(std::move(text))); }
    void write_next();
    void start_close(websocket::close_reason reason);

public:
    // The login session was revoked (any thread): close with kWsRevokedCloseCode.
    void revoke() {
        net::post(executor_, [self = shared_from_this()] {
            spdlog::info("event=ws_revoked remote={} principal={}", self->remote_address_, self->identity_.principal.id);
            self->start_close(websocket::close_reason(static_cast<websocket::close_code>(kWsRevokedCloseCode), "revoked"));
        });
    }

private:

    // Runs f() on the worker executor; the caller resumes on this connection's strand.
    template <class F>
    net::awaitable<std::invoke_result_t<F&>> on_worker(F f) {
        using Result = std::invoke_result_t<F&>;
        co_return co_await net::co_spawn(
            server_->worker_, [f = std::move(f)]() mutable -> net::awaitable<Result> { co_return f(); },
            net::use_awaitable);
    }

    std::shared_ptr<Server::Impl> server_;
    net::any_io_executor executor_;  // the connection's strand
    beast::tcp_stream stream_;       // moved into ws_ on upgrade
    std::optional<websocket::stream<beast::tcp_stream>> ws_;
    std::string remote_address_;
    Phase phase_ = Phase::reading;
    bool stopping_ = false;

    // WebSocket state.
    bool ws_open_ = false;  // accepted and neither failed nor closed
    std::deque<std::shared_ptr<const std::string>> queue_;
    bool writing_ = false;
    bool close_requested_ = false;
    websocket::close_reason close_reason_{websocket::close_code::normal};
    std::set<std::string> channels_;
    WsIdentity identity_;
    std::shared_ptr<ws::Hub::Sink> revocation_;  // listens on ws::session_channel(identity_.session)
};

// ---- Connection: HTTP ------------------------------------------------------------------------

net::awaitable<void> Connection::run(std::shared_ptr<Connection> self) {
    struct Unregister {
        Connection* connection;
        ~Unregister() { connection->server_->remove(connection); }
    } unregister{self.get()};
    try {
        co_await self->serve_http();
    } catch (const std::exception& e) {
        spdlog::warn("event=http_connection_failed remote={} error=\"{}\"", self->remote_address_, e.what());
    }
}

net::awaitable<void> Connection::serve_http() {
    const auto timeout = std::chrono::seconds(server_->cfg_.request_timeout_s);
    beast::flat_buffer buffer;
    for (;;) {
        if (stopping_) co_return;
        phase_ = Phase::reading;
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(kHeaderLimit);
        parser.body_limit(server_->cfg_.body_limit);
        stream_.expires_after(timeout);

        auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer, parser, kAsTuple);
        if (!ec && !parser.is_done()) {
            if (iequals(parser.get()[bhttp::field::expect], "100-continue")) {
                bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
                auto [wec, wn] = co_await bhttp::async_write(stream_, go_on, kAsTuple);
                if (wec) co_return;
            }
            std::tie(ec, n) = co_await bhttp::async_read(stream_, buffer, parser, kAsTuple);
        }
        if (ec == bhttp::error::end_of_stream) {
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
            co_return;
        }
        if (ec == bhttp::error::body_limit) {
            co_await reply_and_close(413, "payload_too_large",
                                     fmt::format("request body exceeds {} bytes", server_->cfg_.body_limit));
            co_return;
        }
        if (ec == bhttp::error::header_limit) {
            co_await reply_and_close(431, "bad_request", "request header too large");
            co_return;
        }
        if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
            ec != bhttp::error::partial_message) {
            co_await reply_and_close(400, "bad_request", "malformed request: " + ec.message());
            co_return;
        }
        if (ec) co_return;  // timeout, reset, cancelled by stop, EOF mid-request

        phase_ = Phase::handling;
        stream_.expires_never();
        const auto start = std::chrono::steady_clock::now();
        BeastRequest req = parser.release();
        const bool head = req.method() == bhttp::verb::head;
        const unsigned version = req.version();
        bool keep_alive = req.keep_alive();
        const bool upgrade = websocket::is_upgrade(req);
        std::string method(req.method_string());

        auto request = to_request(req, remote_address_);
        Response response;
        if (!request) {
            response = error_response(400, "bad_request", "malformed request target");
            keep_alive = false;
        } else if (request->path == kWebSocketPath && upgrade) {
            auto identity = co_await authenticate_upgrade(*request);
            if (identity) {
                log_access(method, request->path, 101, start);
                co_await run_websocket(std::move(req), std::move(*identity));
                co_return;
            }
            response = error_response(401, "unauthorized", "missing, used or expired ticket");
        } else {
            response = co_await respond(*request);
        }

        keep_alive = keep_alive && !stopping_;
        BeastResponse res = to_beast(std::move(response), version, head);
        res.keep_alive(keep_alive);
        stream_.expires_after(kWriteTimeout);
        auto [wec, wn] = co_await bhttp::async_write(stream_, res, kAsTuple);
        log_access(method, request ? std::string_view(request->path) : std::string_view("-"), res.result_int(),
                   start);
        if (wec) co_return;
        if (!keep_alive) {
            co_await linger_close();
            co_return;
        }
    }
}

net::awaitable<Response> Connection::respond(Request& request) {
    const std::string& path = request.path;
    if (path == "/healthz") {
        if (request.method != "GET" && request.method != "HEAD") {
            co_return error_response(405, "method_not_allowed", "use GET");
        }
        Response response;
        response.body = R"({"status":"ok"})";
        co_return response;
    }
    if (path == "/readyz") {
        if (request.method != "GET" && request.method != "HEAD") {
            co_return error_response(405, "method_not_allowed", "use GET");
        }
        co_return co_await readiness();
    }
    if (path == kWebSocketPath) co_return error_response(426, "bad_request", "WebSocket upgrade required");
    if (path.rfind("/api/", 0) == 0) {
        try {
            co_return co_await on_worker([this, &request] { return server_->api_handler_(request); });
        } catch (const std::exception& e) {
            spdlog::error("event=api_handler_threw path={} error=\"{}\"", path, e.what());
        }
        co_return error_response(500, "internal", "internal error");
    }
    if (server_->admin_ && server_->admin_->matches(path)) {
        co_return server_->admin_->respond(request.method, path);
    }
    if (server_->app_ && server_->app_->matches(path)) {
        co_return server_->app_->respond(request.method, path);
    }
    if (path == "/" && server_->app_) {
        Response response;
        response.status = 302;
        response.content_type.clear();
        response.headers.emplace_back("Location", "/app/");
        co_return response;
    }
    co_return error_response(404, "not_found", "no such path");
}

net::awaitable<std::optional<WsIdentity>> Connection::authenticate_upgrade(const Request& request) {
    std::string ticket;
    if (auto it = request.query.find("ticket"); it != request.query.end()) ticket = it->second;
    if ((ticket.empty() && request.bearer_token.empty()) || !server_->ws_.authenticate) co_return std::nullopt;
    try {
        co_return co_await on_worker(
            [this, &ticket, &request] { return server_->ws_.authenticate(ticket, request.bearer_token); });
    } catch (const std::exception& e) {
        spdlog::error("event=ws_authenticate_threw error=\"{}\"", e.what());
    }
    co_return std::nullopt;
}

net::awaitable<Response> Connection::readiness() {
    Response response;
    if (!server_->cfg_.readiness) {
        response.body = R"({"status":"ready"})";
        co_return response;
    }
    try {
        auto [ready, body] = co_await on_worker([this] { return server_->cfg_.readiness(); });
        response.status = ready ? 200 : 503;
        response.body = std::move(body);
    } catch (const std::exception& e) {
        spdlog::error("event=readiness_threw error=\"{}\"", e.what());
        response = error_response(503, "unavailable", "readiness check failed");
    }
    co_return response;
}

net::awaitable<void> Connection::reply_and_close(int status, std::string_view code, std::string_view message) {
    phase_ = Phase::closing;
    BeastResponse res = to_beast(error_response(status, code, message), 11, false);
    res.keep_alive(false);
    stream_.expires_after(kWriteTimeout);
    auto [ec, n] = co_await bhttp::async_write(stream_, res, kAsTuple);
    spdlog::debug("event=http_request_rejected remote={} status={} reason=\"{}\"", remote_address_, status, message);
    if (!ec) co_await linger_close();
}

// Closing right after a response while the client is still sending would make the kernel reset the
// connection and the client could lose the response; so stop sending and drain for a while first.
net::awaitable<void> Connection::linger_close() {
    phase_ = Phase::closing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(kLingerTime);
    std::array<char, 4096> scratch;
    std::size_t drained = 0;
    while (drained < kLingerMaxBytes) {
        auto [rec, n] = co_await stream_.async_read_some(net::buffer(scratch), kAsTuple);
        if (rec) break;
        drained += n;
    }
    stream_.close();
}

// ---- Connection: WebSocket -------------------------------------------------------------------

// Hears a login session's revocation on the hub and closes the connection that belongs to it.
class RevocationSink final : public ws::Hub::Sink {
public:
    explicit RevocationSink(std::weak_ptr<Connection> connection) : connection_(std::move(connection)) {}
    void send(std::shared_ptr<const std::string>) override {
        if (auto connection = connection_.lock()) connection->revoke();
    }

private:
    std::weak_ptr<Connection> connection_;
};

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

// ---- Server::Impl ----------------------------------------------------------------------------

void Server::Impl::start() {
    beast::error_code ec;
    auto fail = [&](std::string_view what) {
        throw Error(Errc::unavailable,
                    fmt::format("cannot listen on {}:{}: {} ({})", cfg_.address, cfg_.port, what, ec.message()));
    };
    auto address = net::ip::make_address(cfg_.address, ec);
    if (ec) fail("bad address");
    tcp::endpoint endpoint(address, static_cast<unsigned short>(cfg_.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) fail("open");
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) fail("set_option");
    acceptor_.bind(endpoint, ec);
    if (ec) fail("bind");
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail("listen");
    port_ = acceptor_.local_endpoint().port();
    spdlog::info("event=http_listening address={} port={}", cfg_.address, port_.load());
    net::co_spawn(acceptor_.get_executor(), accept_loop(shared_from_this()),
                  [](std::exception_ptr e) { log_exception(e, "http_accept_loop_failed"); });
}

net::awaitable<void> Server::Impl::accept_loop(std::shared_ptr<Impl> self) {
    for (;;) {
        auto [ec, socket] = co_await self->acceptor_.async_accept(
            net::any_io_executor(net::make_strand(self->io_)), kAsTuple);
        if (ec) {
            if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) co_return;
            spdlog::warn("event=http_accept_failed error=\"{}\"", ec.message());
            net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(100));
            co_await pause.async_wait(kAsTuple);
            continue;
        }
        auto connection = std::make_shared<Connection>(self, std::move(socket));
        if (!self->add(connection)) continue;
        net::co_spawn(connection->executor(), Connection::run(connection),
                      [](std::exception_ptr e) { log_exception(e, "http_connection_failed"); });
    }
}

bool Server::Impl::add(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    connections_.emplace(connection.get(), connection);
    return true;
}

void Server::Impl::remove(Connection* connection) {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
    if (connections_.empty()) all_closed_.notify_all();
}

std::vector<std::shared_ptr<Connection>> Server::Impl::snapshot() {
    std::vector<std::shared_ptr<Connection>> live;
    for (const auto& [ptr, weak] : connections_) {
        if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
    return live;
}

void Server::Impl::stop(std::chrono::milliseconds grace) {
    std::vector<std::shared_ptr<Connection>> live;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        live = snapshot();
    }
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ec;
        self->acceptor_.close(ec);
    });
    for (const auto& connection : live) connection->begin_stop();
    live.clear();
    spdlog::info("event=http_stopping grace_ms={}", grace.count());

    if (io_.get_executor().running_in_this_thread()) {
        auto timer = std::make_shared<net::steady_timer>(io_, grace);
        timer->async_wait([self = shared_from_this(), timer](beast::error_code) { self->close_everything(); });
        return;
    }
    std::unique_lock lock(mutex_);
    if (all_closed_.wait_for(lock, grace, [this] { return connections_.empty(); })) return;
    lock.unlock();
    close_everything();
    lock.lock();
    all_closed_.wait_for(lock, kHardCloseSettle, [this] { return connections_.empty(); });
    if (!connections_.empty()) {
        spdlog::warn("event=http_stop_incomplete connections={}", connections_.size());
    }
}

void Server::Impl::close_everything() {
    std::vector<std::shared_ptr<Connection>> live;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        live = snapshot();
    }
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ec;
        self->acceptor_.close(ec);
    });
    for (const auto& connection : live) connection->close_now();
}

// ---- Server ----------------------------------------------------------------------------------

Server::Server(net::io_context& io, net::any_io_executor worker_executor, ServerConfig cfg,
               std::function<Response(Request&)> api_handler, ws::Hub& hub, WsCallbacks ws)
    : impl_(std::make_shared<Impl>(io, std::move(worker_executor), std::move(cfg), std::move(api_handler), hub,
                                   std::move(ws))) {}

Server::~Server() { impl_->close_everything(); }

void Server::start() { impl_->start(); }

int Server::port() const { return impl_->port_.load(); }

void Server::stop(std::chrono::milliseconds grace) { impl_->stop(grace); }

}  // namespace kw::http
