#include "fleet.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "charger.hpp"
#include "ocpp_charger.hpp"

namespace kw::sim {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {
constexpr milliseconds kConnectTick{20};
}

Fleet::Fleet(boost::asio::any_io_executor ex, std::vector<ChargerSpec> specs, SimSettings settings,
             int connects_per_s)
    : ex_(ex),
      settings_(std::move(settings)),
      connects_per_s_(std::max(connects_per_s, 1)),
      connect_timer_(ex),
      shutdown_timer_(ex) {
    chargers_.reserve(specs.size());
    for (auto& s : specs) {
        std::unique_ptr<SimCharger> c;
        if (settings_.protocol == Protocol::kOcpp16 || settings_.protocol == Protocol::kOcpp201)
            c = std::make_unique<OcppCharger>(ex, std::move(s), settings_);
        else
            c = std::make_unique<Charger>(ex, std::move(s), settings_);
        by_code_.emplace(c->code(), c.get());
        chargers_.push_back(std::move(c));
    }
}

void Fleet::start() {
    spdlog::info("event=fleet_start chargers={} connects_per_s={}", chargers_.size(), connects_per_s_);
    connect_batch();
}

void Fleet::connect_batch() {
    if (stopping_) return;
    connect_credit_ += connects_per_s_ * (kConnectTick.count() / 1000.0);
    // The first tick connects at least one charger so a single charger starts at once.
    const auto n = std::max<std::size_t>(1, static_cast<std::size_t>(connect_credit_));
    connect_credit_ -= static_cast<double>(n);
    for (std::size_t i = 0; i < n && next_to_connect_ < chargers_.size(); ++i)
        chargers_[next_to_connect_++]->start();
    if (next_to_connect_ >= chargers_.size()) {
        spdlog::info("event=fleet_all_connecting chargers={}", chargers_.size());
        return;
    }
    connect_timer_.expires_after(kConnectTick);
    connect_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) connect_batch();
    });
}

void Fleet::shutdown(milliseconds grace, std::function<void()> done) {
    stopping_ = true;
    connect_timer_.cancel();
    spdlog::info("event=fleet_shutdown chargers={}", chargers_.size());
    for (auto& c : chargers_) c->shutdown();
    wait_disconnected(std::chrono::steady_clock::now() + grace, std::move(done));
}

void Fleet::wait_disconnected(std::chrono::steady_clock::time_point deadline, std::function<void()> done) {
    const auto still =
        std::count_if(chargers_.begin(), chargers_.end(), [](const auto& c) { return c->link_up(); });
    if (still == 0 || std::chrono::steady_clock::now() >= deadline) {
        if (still)
            spdlog::warn("event=fleet_shutdown_timeout still_connected={}", still);
        else
            spdlog::info("event=fleet_stopped");
        done();
        return;
    }
    shutdown_timer_.expires_after(milliseconds(50));
    shutdown_timer_.async_wait([this, deadline, done = std::move(done)](boost::system::error_code) mutable {
        wait_disconnected(deadline, std::move(done));
    });
}

SimCharger* Fleet::find(std::string_view code) {
    const auto it = by_code_.find(std::string(code));
    return it == by_code_.end() ? nullptr : it->second;
}

json::object Fleet::summary() const {
    std::int64_t online = 0, booted = 0, charging = 0, unacked = 0;
    for (const auto& c : chargers_) {
        online += c->connected();
        booted += c->booted();
        charging += c->charging();
        unacked += static_cast<std::int64_t>(c->unacked());
    }
    return json::object{{"chargers", chargers_.size()},
                        {"online", online},
                        {"booted", booted},
                        {"charging", charging},
                        {"unacked", unacked}};
}

}  // namespace kw::sim
