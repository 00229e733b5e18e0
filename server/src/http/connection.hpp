#pragma once
// Internal to the server: Server::Impl and Connection, shared by listener.cpp, http_session.cpp and
// ws_session.cpp, and included by nothing else. It pulls in Beast, and every TU that includes Beast
// costs ~50 s and 1.2 GB to compile; the rest of the code sees only server.hpp and request.hpp.
// Modelled on Beast's advanced/server-flex-awaitable: a coroutine per connection on its own strand,
// errors expected on the wire handled as values (as_tuple), blocking work sent to the worker executor.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "http/request.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "metrics/server_metrics.hpp"
#include "ws/hub.hpp"

namespace kw::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

inline constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);

using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

class Connection;

// Owns the acceptor and the registry of live connections (listener.cpp); shared by the Server
// facade, the accept loop and every connection, so it outlives late completions.
// Threads: start() from any thread that is not running the io_context; stop(), close_everything(),
// add() and remove() from any thread (the registry is under mutex_). The config members are
// read-only after construction and read by connections on their strands.
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
    // Marks the server stopping, closes the acceptor and returns the connections still open.
    std::vector<std::shared_ptr<Connection>> stop_accepting();

    tcp::acceptor acceptor_;  // used on its own strand once listening
    std::mutex mutex_;
    std::condition_variable all_closed_;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
    bool stopping_ = false;
};

// One client connection: HTTP requests until it upgrades to a WebSocket, then that session. One
// object for both so that the registry, shutdown and the strand stay the same across the upgrade.
// The HTTP part is in http_session.cpp, the WebSocket part in ws_session.cpp.
// Threads: everything but send(), begin_stop(), close_now() and revoke() runs on the connection's
// strand; those four may be called from any thread and post to it.
class Connection final : public ws::Hub::Sink, public std::enable_shared_from_this<Connection> {
public:
    Connection(std::shared_ptr<Server::Impl> server, tcp::socket socket)
        : server_(std::move(server)), executor_(socket.get_executor()), stream_(std::move(socket)) {
        beast::error_code ec;
        auto endpoint = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_address_ = endpoint.address().to_string();
    }

    const net::any_io_executor& executor() const { return executor_; }

    // The connection's coroutine, spawned on executor() by the accept loop; unregisters at the end.
    static net::awaitable<void> run(std::shared_ptr<Connection> self);

    // A hub message for this WebSocket session (any thread).
    void send(std::shared_ptr<const std::string> text) override;

    // Server shutdown: idle HTTP connections close now, busy ones after their response,
    // WebSockets get a 1001 close.
    void begin_stop();
    void close_now();

    // The login session was revoked (any thread): close with kWsRevokedCloseCode.
    void revoke();

private:
    enum class Phase { reading, handling, closing };

    // HTTP (http_session.cpp).
    net::awaitable<void> serve_http();
    net::awaitable<Response> respond(Request& request);
    net::awaitable<std::optional<WsIdentity>> authenticate_upgrade(const Request& request);
    net::awaitable<Response> readiness();
    net::awaitable<Response> metrics(const Request& request);
    net::awaitable<void> reply_and_close(int status, std::string_view code, std::string_view message);
    net::awaitable<void> linger_close();

    // WebSocket (ws_session.cpp).
    net::awaitable<void> run_websocket(BeastRequest req, WsIdentity identity);
    net::awaitable<void> on_ws_message(const std::string& text);
    void enqueue(std::shared_ptr<const std::string> text);
    void enqueue(std::string text) { enqueue(std::make_shared<const std::string>(std::move(text))); }
    void write_next();
    void start_close(websocket::close_reason reason);

    // Runs f() on the worker executor; the caller resumes on this connection's strand.
    template <class F>
    net::awaitable<std::invoke_result_t<F&>> on_worker(F f) {
        using Result = std::invoke_result_t<F&>;
        // Counted from posting to starting: how many requests wait for a worker (kw_http_queue_depth).
        metrics::HttpMetrics* metrics = server_->cfg_.metrics;
        if (metrics) metrics->worker_queue.add();
        co_return co_await net::co_spawn(
            server_->worker_,
            [f = std::move(f), metrics]() mutable -> net::awaitable<Result> {
                if (metrics) metrics->worker_queue.sub();
                co_return f();
            },
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

}  // namespace kw::http
