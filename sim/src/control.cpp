#include "control.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace kw::sim {

namespace net = boost::asio;
namespace json = boost::json;
using net::ip::tcp;

namespace {

std::vector<std::string> split_words(std::string_view line) {
    std::vector<std::string> out;
    std::istringstream in{std::string(line)};
    std::string w;
    while (in >> w) out.push_back(w);
    return out;
}

int to_int(const std::string& s, std::string_view what) {
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        throw std::invalid_argument(std::string(what) + " '" + s + "' is not an integer");
    return v;
}

// A clock offset in seconds, within a year either way (as --clock-offset-s).
int clock_offset(const std::string& s) {
    const int v = to_int(s, "seconds");
    if (v < -86400 * 366 || v > 86400 * 366) throw std::invalid_argument("clock offset beyond a year");
    return v;
}

std::string ok(json::object extra = {}) {
    json::object o{{"ok", true}};
    for (auto& kv : extra) o[kv.key()] = std::move(kv.value());
    return json::serialize(o);
}

std::string fail(std::string_view error) {
    return json::serialize(json::object{{"ok", false}, {"error", error}});
}

constexpr std::string_view kUsage =
    "commands: status [CODE] | summary | kill CODE | reconnect CODE | reboot CODE | stop-local CODE N | "
    "fault CODE N FAULT [info|warning|error] | clear-fault CODE N | plug CODE N | unplug CODE N | "
    "ev-full CODE N | set-power CODE N W | drop-next-acks CODE K | duplicate-tx CODE | hold-tx CODE on|off | "
    "clock CODE|all SECONDS | quit";

}  // namespace

std::string execute_control(Fleet& fleet, std::string_view line, bool& quit) {
    const auto w = split_words(line);
    if (w.empty()) return fail("empty command");
    const std::string& cmd = w[0];
    try {
        if (cmd == "help") return ok({{"usage", kUsage}});
        if (cmd == "quit") {
            quit = true;
            return ok();
        }
        if (cmd == "summary") return ok(fleet.summary());
        if (cmd == "clock" && w.size() == 3 && w[1] == "all") {
            const int offset = clock_offset(w[2]);
            for (const auto& c : fleet.chargers()) c->set_clock_offset(offset);
            return ok({{"chargers", fleet.chargers().size()}});
        }
        if (cmd == "status" && w.size() == 1) {
            json::array all;
            for (const auto& c : fleet.chargers()) all.push_back(c->status_json());
            return ok({{"chargers", std::move(all)}});
        }
        // Everything else names one charger.
        static const std::vector<std::string> kPerCharger = {
            "status", "kill",   "reconnect", "reboot", "duplicate-tx", "stop-local",     "clear-fault",
            "plug",   "unplug", "ev-full",   "fault",  "set-power",    "drop-next-acks", "hold-tx", "clock"};
        if (std::find(kPerCharger.begin(), kPerCharger.end(), cmd) == kPerCharger.end())
            return fail("unknown command " + cmd + "; " + std::string(kUsage));
        if (w.size() < 2) return fail(cmd + ": missing charger code");
        SimCharger* c = fleet.find(w[1]);
        if (!c) return fail("unknown charger " + w[1]);
        const auto need = [&](std::size_t n) {
            if (w.size() != n) throw std::invalid_argument(std::string("usage: ") + std::string(kUsage));
        };
        const auto connector = [&] { return to_int(w.at(2), "connector"); };
        if (cmd == "status") {
            need(2);
            return ok({{"charger", c->status_json()}});
        }
        if (cmd == "kill") {
            need(2);
            c->kill();
            return ok();
        }
        if (cmd == "reconnect") {
            need(2);
            c->reconnect();
            return ok();
        }
        if (cmd == "reboot") {
            need(2);
            c->reboot();
            return ok();
        }
        if (cmd == "duplicate-tx") {
            need(2);
            return ok({{"published", c->duplicate_tx()}});
        }
        if (cmd == "stop-local") {
            need(3);
            c->stop_local(connector());
            return ok();
        }
        if (cmd == "clear-fault") {
            need(3);
            c->clear_fault(connector());
            return ok();
        }
        if (cmd == "plug") {
            need(3);
            c->plug(connector());
            return ok();
        }
        if (cmd == "unplug") {
            need(3);
            c->unplug(connector());
            return ok();
        }
        if (cmd == "ev-full") {
            need(3);
            c->ev_full(connector());
            return ok();
        }
        if (cmd == "fault") {
            if (w.size() != 4 && w.size() != 5) need(4);
            c->raise_fault(connector(), w[3], w.size() == 5 ? w[4] : "error");
            return ok();
        }
        if (cmd == "set-power") {
            need(4);
            c->set_power(connector(), w[3] == "none" ? -1 : to_int(w[3], "power"));
            return ok();
        }
        if (cmd == "drop-next-acks") {
            need(3);
            const int k = to_int(w[2], "count");
            if (k < 0) return fail("count must be >= 0");
            c->drop_next_starts(k);
            return ok();
        }
        if (cmd == "clock") {
            need(3);
            c->set_clock_offset(clock_offset(w[2]));
            return ok();
        }
        if (cmd == "hold-tx") {
            need(3);
            if (w[2] != "on" && w[2] != "off") return fail("hold-tx takes on|off");
            c->hold_tx(w[2] == "on");
            return ok();
        }
        return fail("unknown command " + cmd);
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}

namespace {

net::awaitable<void> control_session(tcp::socket socket, Fleet& fleet, std::function<void()> on_quit) {
    std::string buffer;
    for (;;) {
        auto [ec, n] = co_await net::async_read_until(socket, net::dynamic_buffer(buffer, 64 * 1024), '\n',
                                                      net::as_tuple(net::use_awaitable));
        if (ec) co_return;
        std::string line = buffer.substr(0, n);
        buffer.erase(0, n);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        if (line.empty()) continue;
        bool quit = false;
        std::string reply = execute_control(fleet, line, quit);
        spdlog::info("event=control_command line=\"{}\" ok={}", line, reply.rfind("{\"ok\":true", 0) == 0);
        reply.push_back('\n');
        auto [wec, _] =
            co_await net::async_write(socket, net::buffer(reply), net::as_tuple(net::use_awaitable));
        if (quit) {
            on_quit();
            co_return;
        }
        if (wec) co_return;
    }
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, Fleet& fleet, std::function<void()> on_quit) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
        if (ec) {
            if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
            spdlog::warn("event=control_accept_failed error=\"{}\"", ec.message());
            net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(net::as_tuple(net::use_awaitable));  // e.g. out of descriptors
            continue;
        }
        net::co_spawn(acceptor.get_executor(), control_session(std::move(socket), fleet, on_quit),
                      net::detached);
    }
}

}  // namespace

ControlServer::ControlServer(net::any_io_executor ex, Fleet& fleet, std::function<void()> on_quit)
    : ex_(ex), fleet_(fleet), on_quit_(std::move(on_quit)), acceptor_(ex) {}

void ControlServer::start(int port) {
    const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    spdlog::info("event=control_listening host=127.0.0.1 port={}", port_);
    net::co_spawn(ex_, accept_loop(acceptor_, fleet_, on_quit_), net::detached);
}

void ControlServer::stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

}  // namespace kw::sim
