#pragma once
// One charge point's WebSocket to the central system (OCPP-J): TCP connect, the HTTP upgrade
// with one subprotocol (ocpp1.6 or ocpp2.0.1) and an Authorization header, text frames in and out
// (writes queued, one at a time), a close frame on close(), and kill() that drops the TCP connection
// without one.
// One link is one connection attempt: after `closed` it is done; the owner makes a new one.
// All of Boost.Beast is in ocpp_link.cpp (a translation unit with Beast costs ~50 s to compile).
// Thread: the io_context thread that runs `ex` (the simulator's one thread); callbacks run there
// and may destroy the link.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>

namespace kw::sim {

struct OcppLinkOptions {
    std::string host;
    std::string port;
    std::string target;          // "/ocpp/<chargeBoxId>"
    std::string subprotocol = "ocpp1.6";  // the one offered; the answer must name it
    std::string authorization;   // the Authorization header value ("Basic ..."); empty: none
    int connect_timeout_s = 10;  // TCP connect and the upgrade, each
    int ping_interval_s = 0;     // > 0: ping after this long without a frame (WebSocketPingInterval)
};

class OcppLink {
  public:
    struct Callbacks {
        std::function<void()> opened;                 // the upgrade succeeded with the subprotocol
        std::function<void(std::string text)> text;   // a text frame
        std::function<void(std::string why)> closed;  // the connection ended (or never opened)
    };

    OcppLink(boost::asio::any_io_executor ex, OcppLinkOptions options, Callbacks callbacks);
    // Drops the connection like kill() if it is still up; no callback afterwards.
    ~OcppLink();
    OcppLink(const OcppLink&) = delete;
    OcppLink& operator=(const OcppLink&) = delete;

    void open();
    void send(std::string text);  // dropped unless open
    // A close frame (1000, or 1001 when `going_away`), then the connection ends and `closed` runs.
    void close(bool going_away = false);
    // Drops the TCP connection without a close frame; `closed` does not run.
    void kill();
    bool is_open() const;      // upgraded and not closing
    bool socket_open() const;  // the TCP socket exists, whatever its state

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace kw::sim
