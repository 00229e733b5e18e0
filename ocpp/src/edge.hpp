#pragma once
// The OCPP edge: a WebSocket listener at ws://<address>:<port>/ocpp/<chargeBoxId> that, for each
// charge point whose handshake checks out, opens one MQTT connection to the broker as that charger
// (its code and password: the broker checks the password and confines it to kw/v1/<code>/, and its
// last will makes it offline the moment the socket or the edge goes) and runs a v16::Station or
// v201::Station (as the subprotocol says) between the two; with TLS when configured, and holding unknown charge points for approval when
// asked to. No Beast here (edge.cpp only). start/stop on any thread.
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "v16/station.hpp"
#include "v201/station.hpp"

namespace kw::ocpp {

struct EdgeConfig {
    std::string address = "0.0.0.0";
    int port = 8180;  // 0: any free port (port() tells which)
    std::string broker_host = "127.0.0.1";
    int broker_port = 1883;
    int broker_keepalive_s = 30;
    int handshake_timeout_s = 10;  // the HTTP upgrade and the broker's CONNACK, each
    int ping_idle_s = 60;          // a WebSocket ping after this long without a frame; closed without pong
    std::size_t max_frame_bytes = 1 << 20;
    // Security profile 2: TLS terminated here with this certificate (chain) and key, PEM files; the
    // listener then speaks wss:// only. Both empty: ws:// (profile 1, or TLS terminated in front).
    std::string tls_cert, tls_key;
    // Unknown charge points (the broker refuses their login) are held, their BootNotification
    // answered Pending, and listed in the console for approval (docs/ocpp.md); off: refused with 401.
    // Needs the edge's own broker account (edge_username, edge_password), which the server creates.
    bool pending_unknown = false;
    std::string edge_username = "kw-ocpp-edge";
    std::string edge_password;
    int pending_interval_s = 60;  // the interval of their Pending answers: how often they boot again
    v16::Settings station;      // OCPP 1.6 charge points
    v201::Settings station201;  // OCPP 2.0.1 charging stations
};

class Edge {
  public:
    Edge(boost::asio::io_context& io, EdgeConfig config);
    ~Edge();
    // Binds and listens; throws when the address cannot be bound.
    void start();
    // Stops accepting and closes every station's connection (their wills make them offline).
    void stop();
    int port() const;
    std::size_t stations() const;  // charge points connected now

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace kw::ocpp
