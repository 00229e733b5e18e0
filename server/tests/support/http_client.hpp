#pragma once
// Synchronous HTTP/1.1 and WebSocket clients for tests (Beast lives in http_client.cpp only).
// HttpClient keeps one keep-alive connection and reconnects when the server closed it; every
// operation has a timeout so a broken server fails the test instead of hanging it.
// Not thread-safe: one client per thread.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace kw::test {

struct HttpResult {
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool closed = false;  // raw() only: the server closed the connection after this response

    boost::json::value json() const;                 // parses body; throws on invalid JSON
    std::string header(const std::string& name) const;  // case-insensitive; "" if absent
};

class HttpClient {
public:
    HttpClient(std::string host, int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::string& token = {}, const std::string& content_type = "application/json");
    HttpResult get(const std::string& target, const std::string& token = {});
    HttpResult post(const std::string& target, const std::string& body, const std::string& token = {});
    HttpResult put(const std::string& target, const std::string& body, const std::string& token = {});
    HttpResult del(const std::string& target, const std::string& token = {});
    // Sends raw bytes on a fresh connection and reads one response (for malformed-request tests);
    // then waits up to the timeout to see whether the server closes the connection.
    HttpResult raw(const std::string& raw_bytes);

    // How many TCP connections request() has opened so far (keep-alive tests).
    int connections_opened() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

struct WsUpgradeError : std::runtime_error {
    WsUpgradeError(int status, const std::string& what) : std::runtime_error(what), status(status) {}
    int status;  // the HTTP status of the refused upgrade
};

class WsClient {
public:
    // target: "/api/v1/ws?token=..."; bearer_token, if given, goes into an Authorization header.
    // Throws WsUpgradeError when the server answers the upgrade with an HTTP status.
    WsClient(std::string host, int port, std::string target, const std::string& bearer_token = {});
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    void send(const std::string& text);
    // The next text message; nullopt on timeout or when the connection is closed (see closed()).
    std::optional<std::string> receive(std::chrono::milliseconds timeout);
    // Receives (discarding the rest) until pred matches; throws std::runtime_error on timeout/close.
    boost::json::value receive_json_until(std::function<bool(const boost::json::value&)> pred,
                                          std::chrono::milliseconds timeout);
    void close();

    bool closed() const;      // the connection ended (close frame or error)
    int close_code() const;   // the server's close code, 0 if none was received

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace kw::test
