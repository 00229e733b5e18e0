#pragma once
// All simulated chargers of the process on one io_context: creates them (kw-mqtt/1, OCPP 1.6J or 2.0.1, as
// settings.protocol says), connects them at a bounded rate (so 10,000 chargers do not stampede the
// broker or the OCPP edge), finds them by code and shuts them all down.
// Thread: the io_context thread only.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "charger_spec.hpp"
#include "sim_charger.hpp"
#include "sim_settings.hpp"

namespace kw::sim {

class Fleet {
  public:
    Fleet(boost::asio::any_io_executor ex, std::vector<ChargerSpec> specs, SimSettings settings,
          int connects_per_s);

    // Starts connecting, connects_per_s chargers per second in file/generation order.
    void start();
    // Clean DISCONNECT of every charger; `done` runs once all are disconnected or after `grace`.
    void shutdown(std::chrono::milliseconds grace, std::function<void()> done);

    SimCharger* find(std::string_view code);
    const std::vector<std::unique_ptr<SimCharger>>& chargers() const { return chargers_; }
    // {"chargers":N,"online":N,"booted":N,"charging":N,"unacked":N}
    boost::json::object summary() const;

  private:
    void connect_batch();
    void wait_disconnected(std::chrono::steady_clock::time_point deadline, std::function<void()> done);

    boost::asio::any_io_executor ex_;
    SimSettings settings_;  // chargers keep a reference to it
    int connects_per_s_;
    std::vector<std::unique_ptr<SimCharger>> chargers_;
    std::unordered_map<std::string, SimCharger*> by_code_;
    std::size_t next_to_connect_ = 0;
    double connect_credit_ = 0.0;
    boost::asio::steady_timer connect_timer_;
    boost::asio::steady_timer shutdown_timer_;
    bool stopping_ = false;
};

}  // namespace kw::sim
