#pragma once
// Server: the HTTP/1.1 + WebSocket listener (Boost.Beast, C++20 coroutines; Beast lives only in
// listener.cpp, http_session.cpp and ws_session.cpp). Owns the acceptor and every connection; each connection runs as a coroutine on
// its own strand of the io_context. Every request under /api/ (except the WebSocket path) is handed
// to api_handler on the worker executor, so handlers may block on SQL/Redis; the connection resumes
// on its strand when the handler returns. /healthz and the built web apps under /admin/ and /app/
// are answered here. WebSocket sessions (/api/v1/ws) subscribe to ws::Hub channels.
// Threads: construct, start() and stop() from a thread that is not running the io_context (stop()
// called on an io thread does not wait, see below); port() from any thread.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <cstdint>

#include <boost/asio/any_io_executor.hpp>

#include "domain/principal.hpp"
#include "http/request.hpp"

namespace boost::asio {
class io_context;
}

namespace kw::ws {
class Hub;
}

namespace kw::metrics {
class HttpMetrics;
}

namespace kw::http {

inline constexpr const char* kWebSocketPath = "/api/v1/ws";

// GET /readyz: runs on the worker executor; {ready, JSON body}. Unset: always ready.
using Readiness = std::function<std::pair<bool, std::string>()>;

struct ServerConfig {
    std::string address = "127.0.0.1";
    int port = 8080;                     // 0 = any free port, see Server::port()
    std::size_t body_limit = 64 * 1024;  // larger bodies get 413
    int request_timeout_s = 30;          // to receive one whole request, and keep-alive idle time
    // Directories of the built web apps served at /admin/ and /app/; empty = not served.
    std::string admin_root;
    std::string app_root;
    Readiness readiness;
    // GET /metrics (Prometheus text): answered 404 while metrics_token is empty, 401 without
    // "Authorization: Bearer <metrics_token>"; else metrics_text() runs on the worker executor.
    std::string metrics_token;
    std::function<std::string()> metrics_text;
    kw::metrics::HttpMetrics* metrics = nullptr;  // optional: requests, queue, WebSocket sessions are counted
};

// Who a WebSocket session is: the principal, and the opaque id of the login session behind it (the
// token's hash), used to re-check it before every subscription and to close the socket on revocation.
struct WsIdentity {
    kw::Principal principal;
    std::string session;
};

// Close code of a WebSocket whose login session was revoked (logout, account disabled, role changed).
inline constexpr std::uint16_t kWsRevokedCloseCode = 4001;

struct WsCallbacks {
    // Both run on the worker executor (they may block on SQL/Redis).
    // The upgrade's credential -> identity, or nullopt (the upgrade is refused with 401): the one-use
    // `ticket` query parameter (browsers), else the bearer token of an Authorization header. A token
    // never travels in the URL, where proxies log it.
    std::function<std::optional<WsIdentity>(const std::string& ticket, const std::string& bearer_token)>
        authenticate;
    // Before every subscription: "" if allowed, else an error code ("forbidden", "not_found");
    // "unauthorized" (the session was revoked or expired) closes the socket with kWsRevokedCloseCode.
    std::function<std::string(const WsIdentity&, const std::string& channel)> authorize;
};

class Server {
public:
    // api_handler always returns a Response (errors already mapped); if it throws anyway the client
    // gets 500 {"code":"internal"}. hub and the io_context must outlive the server's connections:
    // call stop() before destroying them.
    Server(boost::asio::io_context& io, boost::asio::any_io_executor worker_executor, ServerConfig cfg,
           std::function<Response(Request&)> api_handler, ws::Hub& hub, WsCallbacks ws);
    ~Server();  // stops accepting and closes every connection without waiting
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; throws kw::Error(Errc::unavailable) naming address:port if that fails.
    void start();
    // The bound port (the real one when cfg.port was 0); 0 before start().
    int port() const;
    // Stops accepting, closes idle keep-alive connections, lets requests in flight finish (their
    // responses carry "Connection: close"), closes WebSockets with 1001 going away; whatever is
    // still open after `grace` is closed hard. Blocks until every connection ended or grace ran
    // out, unless called on an io_context thread, where it only starts the shutdown.
    void stop(std::chrono::milliseconds grace);

    class Impl;  // connection.hpp / listener.cpp; connections share it so it outlives late completions

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace kw::http
