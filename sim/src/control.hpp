#pragma once
// The control port: a line-based TCP service on 127.0.0.1 for tests and demos. One command per line,
// one JSON line back ({"ok":true,...} or {"ok":false,"error":"..."}). See sim/README.md for the
// command list. Thread: the io_context thread (it calls into the Fleet and its Chargers directly).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "fleet.hpp"

namespace kw::sim {

// Runs one control command against the fleet. Sets `quit` for the `quit` command.
std::string execute_control(Fleet& fleet, std::string_view line, bool& quit);

class ControlServer {
  public:
    ControlServer(boost::asio::any_io_executor ex, Fleet& fleet, std::function<void()> on_quit);
    // Listens on 127.0.0.1:port (0 picks a free port). Throws boost::system::system_error.
    void start(int port);
    int port() const { return port_; }
    void stop();

  private:
    boost::asio::any_io_executor ex_;
    Fleet& fleet_;
    std::function<void()> on_quit_;
    boost::asio::ip::tcp::acceptor acceptor_;
    int port_ = 0;
};

}  // namespace kw::sim
