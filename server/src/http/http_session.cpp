// Connection, HTTP part: reads requests, answers /healthz, /readyz and the static web apps itself,
// hands /api/* to the api_handler on the worker executor, and hands a WebSocket upgrade whose ticket
// checks out to run_websocket (ws_session.cpp). Beast HTTP messages become the plain Request/Response
// of request.hpp here, so handlers never see Beast. Runs on the connection's strand, except
// begin_stop() and close_now(), which any thread may call (they post to it).
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http/connection.hpp"
#include "http/errors.hpp"
#include "http/metrics_endpoint.hpp"

namespace kw::http {

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kLingerTime = std::chrono::seconds(2);  // drain an unread body before closing
constexpr std::size_t kLingerMaxBytes = 4 * 1024 * 1024;

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
    out.accept_encoding = std::string(req[bhttp::field::accept_encoding]);
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

// The access log line and, when metrics are on, the request's count and time under its route group.
void log_access(const std::string& method, std::string_view path, unsigned status,
                std::chrono::steady_clock::time_point start, metrics::HttpMetrics* metrics = nullptr,
                const char* route = nullptr) {
    const auto elapsed = std::chrono::steady_clock::now() - start;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
    spdlog::debug("event=http_request method={} path={} status={} ms={}", method, path, status, ms.count());
    if (metrics)
        metrics->request(method, route ? std::string_view(route) : metrics::HttpMetrics::kUnmatched,
                         static_cast<int>(status), std::chrono::duration<double>(elapsed).count());
}

}  // namespace

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

void Connection::begin_stop() {
    net::post(executor_, [self = shared_from_this()] {
        self->stopping_ = true;
        if (self->ws_) {
            self->start_close(websocket::close_reason(websocket::close_code::going_away));
        } else if (self->phase_ == Phase::reading) {
            self->stream_.cancel();
        }
    });
}

void Connection::close_now() {
    net::post(executor_, [self = shared_from_this()] {
        self->ws_open_ = false;
        if (self->ws_) {
            beast::get_lowest_layer(*self->ws_).close();
        } else {
            self->stream_.close();
        }
    });
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
                log_access(method, request->path, 101, start, server_->cfg_.metrics,
                           metrics::HttpMetrics::kWebSocket.data());
                co_await run_websocket(std::move(req), std::move(*identity));
                co_return;
            }
            response = error_response(401, "unauthorized", "missing, used or expired ticket");
            response.route = metrics::HttpMetrics::kWebSocket.data();
        } else {
            response = co_await respond(*request);
        }

        keep_alive = keep_alive && !stopping_;
        const char* route = response.route;
        BeastResponse res = to_beast(std::move(response), version, head);
        res.keep_alive(keep_alive);
        stream_.expires_after(kWriteTimeout);
        auto [wec, wn] = co_await bhttp::async_write(stream_, res, kAsTuple);
        log_access(method, request ? std::string_view(request->path) : std::string_view("-"), res.result_int(),
                   start, server_->cfg_.metrics, route);
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
        response.route = "/healthz";
        co_return response;
    }
    if (path == "/readyz") {
        if (request.method != "GET" && request.method != "HEAD") {
            co_return error_response(405, "method_not_allowed", "use GET");
        }
        Response response = co_await readiness();
        response.route = "/readyz";
        co_return response;
    }
    if (path == kMetricsPath) co_return co_await metrics(request);
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
        Response response = server_->admin_->respond(request.method, path, request.accept_encoding);
        response.route = metrics::HttpMetrics::kStatic.data();
        co_return response;
    }
    if (server_->app_ && server_->app_->matches(path)) {
        Response response = server_->app_->respond(request.method, path, request.accept_encoding);
        response.route = metrics::HttpMetrics::kStatic.data();
        co_return response;
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

// GET /metrics: the token check here, the text rendered on a worker (scrape-time gauges ask Redis/SQL).
net::awaitable<Response> Connection::metrics(const Request& request) {
    std::optional<Response> refused = refuse_metrics(request, server_->cfg_.metrics_token);
    Response response;
    if (refused) {
        response = std::move(*refused);
    } else if (!server_->cfg_.metrics_text) {
        response = metrics_response({});
    } else {
        try {
            response = metrics_response(co_await on_worker([this] { return server_->cfg_.metrics_text(); }));
        } catch (const std::exception& e) {
            spdlog::error("event=metrics_threw error=\"{}\"", e.what());
            response = error_response(500, "internal", "internal error");
        }
    }
    response.route = kMetricsPath;
    co_return response;
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
    if (server_->cfg_.metrics)
        server_->cfg_.metrics->count_status(status);  // the request was never read whole: counted, not timed
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

}  // namespace kw::http
