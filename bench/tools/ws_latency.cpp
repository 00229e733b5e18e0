// kw-bench-ws-latency: C WebSocket clients of the server, each subscribed to one channel, measuring
// how long a charger's meter sample takes to reach them (charger publish -> WebSocket receive).
//   KW_BENCH_TOKEN=T kw-bench-ws-latency --port P[,P2...] --channels FILE [--host 127.0.0.1] [--seconds 60]
//                       [--idle 0] [--threads 1] [--ready-timeout 120]
// T: a bearer token (staff, or a driver for their own orders), from the environment so that it is
// on no command line. FILE: one channel a line (connector:<code>:<n>, order:<id>, ...), one
// connection per line. Each connection gets its one-time ticket (POST /api/v1/ws-ticket,
// Authorization: Bearer T, over one keep-alive HTTP connection) right before it opens
// /api/v1/ws?ticket=..., as a browser does: the ticket's 30 s lifetime never runs out however long
// the setup of all the connections takes. With several ports (server instances in cluster mode:
// tickets live in the shared Redis) the tickets come from the first and connection i opens on port
// i mod their number, so the clients are split evenly between the instances.
// Once every connection answered {"op":"subscribed"} (or failed: counted in errors) it prints
// "ready" on stderr, then records, for every "meter" event, latency = wall time of receipt - the
// event's data.at. data.at is the charger's own "ts" (the server keeps it when within 10 min of its
// clock), written by kw-bench-mqtt-flood just before it publishes, on this machine and clock, in
// milliseconds and truncated: a latency reads up to 1 ms high, never low.
// It stops --seconds after ready, or --idle seconds (if > 0) without a message once one arrived,
// or on SIGTERM/SIGINT, or when stdin closes; then prints one JSON line on stdout:
//   {"clients","subscribed","received","silent_clients","p50_ms","p99_ms","max_ms","per_s",
//    "errors","first_error","cpu_s"} (cpu_s: its own user + system CPU seconds, setup included)
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "args.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;
constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);

// Milliseconds since the epoch of "2024-05-01T08:31:00Z" or "2024-05-01T08:31:00.123Z" (what the
// server's format_utc writes: the fraction only when it is not zero); nullopt for anything else.
std::optional<double> parse_utc_ms(std::string_view s) {
    int y, mo, d, h, mi, sec, ms = 0, used = 0;
    const std::string text(s);
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6) return {};
    std::string_view rest = s.substr(static_cast<std::size_t>(used));
    if (rest.size() == 5 && rest[0] == '.') {
        ms = std::stoi(std::string(rest.substr(1, 3)));
        rest.remove_prefix(4);
    }
    if (rest != "Z") return {};
    using namespace std::chrono;
    const sys_days date = year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)};
    const auto t = date + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms};
    return static_cast<double>(duration_cast<milliseconds>(t.time_since_epoch()).count());
}

double wall_ms() {
    using namespace std::chrono;
    return duration<double, std::milli>(system_clock::now().time_since_epoch()).count();
}

// What every connection shares. Each Client's own fields are touched only on its strand; the
// counters here are atomics; errors under a mutex (rare).
struct Run {
    std::string host, port, token;  // port: the first of ports, where the tickets come from
    std::vector<std::string> ports;
    std::vector<std::string> channels;
    std::atomic<int> subscribed{0}, failed{0};
    std::atomic<long long> received{0};
    std::atomic<double> last_message_s{0};
    std::atomic<bool> measuring{false};
    std::mutex errors_mu;
    long long errors = 0;
    std::string first_error;

    void error(const std::string& what) {
        std::lock_guard lock(errors_mu);
        if (errors++ == 0) first_error = what;
    }
};

struct Client {
    std::vector<float> latencies_ms;  // only samples received after "ready"
    double first_ms = 0, last_ms = 0;  // wall times of the first and last sample counted
};

net::awaitable<void> client(Run& run, Client& me, std::string channel, std::string ticket, std::string port) {
    auto ex = co_await net::this_coro::executor;
    websocket::stream<beast::tcp_stream> ws(ex);
    bool counted = false;  // in subscribed or failed
    auto fail = [&](const std::string& what) {
        run.error(channel + ": " + what);
        if (!counted) ++run.failed;
        counted = true;
    };
    tcp::resolver resolver(ex);
    auto [ec, endpoints] = co_await resolver.async_resolve(run.host, port, kAsTuple);
    if (!ec) std::tie(ec, std::ignore) = co_await beast::get_lowest_layer(ws).async_connect(endpoints, kAsTuple);
    if (ec) co_return fail("connect: " + ec.message());
    boost::urls::url target("/api/v1/ws");
    target.params().append({"ticket", ticket});
    std::tie(ec) = co_await ws.async_handshake(run.host + ":" + port, target.buffer(), kAsTuple);
    if (ec) co_return fail("handshake: " + ec.message());
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    const std::string subscribe = json::serialize(json::object{{"op", "subscribe"}, {"channel", channel}});
    std::tie(ec, std::ignore) = co_await ws.async_write(net::buffer(subscribe), kAsTuple);
    if (ec) co_return fail("subscribe: " + ec.message());
    beast::flat_buffer buffer;
    for (;;) {
        std::tie(ec, std::ignore) = co_await ws.async_read(buffer, kAsTuple);
        const double now = wall_ms();  // before parsing: the parse is the client's cost, not the server's
        if (ec) {
            // After the run stopped this is our own shutdown; before, the server dropped us.
            if (ec != net::error::operation_aborted) fail("closed: " + ec.message());
            co_return;
        }
        json::error_code jec;
        const json::value v = json::parse(beast::buffers_to_string(buffer.data()), jec);
        buffer.consume(buffer.size());
        if (jec || !v.is_object()) {
            fail("not a JSON object");
            continue;
        }
        const auto& o = v.get_object();
        if (const auto* op = o.if_contains("op")) {
            const std::string_view name = op->is_string() ? std::string_view(op->get_string()) : "";
            if (name == "subscribed" && !counted) {
                counted = true;
                ++run.subscribed;
            } else if (name == "error") {
                fail("error " + json::serialize(v));
            }
            continue;
        }
        const auto* event = o.if_contains("event");
        if (!event || !event->is_string() || event->get_string() != "meter" || !run.measuring.load(std::memory_order_relaxed)) continue;
        const auto* data = o.if_contains("data");
        const auto* at = data && data->is_object() ? data->get_object().if_contains("at") : nullptr;
        const auto sent = at && at->is_string() ? parse_utc_ms(at->get_string()) : std::nullopt;
        if (!sent) {
            fail("meter without a readable data.at: " + json::serialize(v));
            continue;
        }
        if (me.latencies_ms.empty()) me.first_ms = now;
        me.last_ms = now;
        me.latencies_ms.push_back(static_cast<float>(now - *sent));
        run.received.fetch_add(1, std::memory_order_relaxed);
        run.last_message_s.store(kw::bench::now_s(), std::memory_order_relaxed);
    }
}

// Asks a ticket per channel over one keep-alive HTTP connection, each just before its client
// starts (on a strand of its own: with --threads > 1 the clients run in parallel).
net::awaitable<void> open_all(Run& run, std::vector<Client>& clients, net::io_context& io) {
    auto ex = co_await net::this_coro::executor;
    tcp::resolver resolver(ex);
    std::optional<beast::tcp_stream> http_conn;
    for (std::size_t i = 0; i < run.channels.size(); ++i) {
        std::string ticket;
        for (int attempt = 0; attempt < 2 && ticket.empty(); ++attempt) {
            beast::error_code ec;
            if (!http_conn) {
                http_conn.emplace(ex);
                auto [rec, endpoints] = co_await resolver.async_resolve(run.host, run.port, kAsTuple);
                ec = rec;
                if (!ec) std::tie(ec, std::ignore) = co_await http_conn->async_connect(endpoints, kAsTuple);
            }
            http::request<http::empty_body> req{http::verb::post, "/api/v1/ws-ticket", 11};
            req.set(http::field::host, run.host + ":" + run.port);
            req.set(http::field::authorization, "Bearer " + run.token);
            req.keep_alive(true);
            http::response<http::string_body> res;
            beast::flat_buffer buffer;
            if (!ec) std::tie(ec, std::ignore) = co_await http::async_write(*http_conn, req, kAsTuple);
            if (!ec) std::tie(ec, std::ignore) = co_await http::async_read(*http_conn, buffer, res, kAsTuple);
            if (ec || !res.keep_alive()) http_conn.reset();  // a fresh connection for the next one
            if (ec) {
                if (attempt == 1) run.error("ws-ticket: " + ec.message());
                continue;
            }
            json::error_code jec;
            const json::value body = json::parse(res.body(), jec);
            if (res.result() != http::status::created || jec || !body.is_object() ||
                !body.get_object().contains("ticket")) {
                run.error("ws-ticket: HTTP " + std::to_string(res.result_int()) + " " + res.body());
                break;
            }
            ticket = json::value_to<std::string>(body.at("ticket"));
        }
        if (ticket.empty()) {
            ++run.failed;
            continue;
        }
        net::co_spawn(net::make_strand(io),
                      client(run, clients[i], run.channels[i], std::move(ticket), run.ports[i % run.ports.size()]),
                      net::detached);
    }
}

std::vector<std::string> read_channels(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

double percentile(const std::vector<float>& sorted, double q) {
    if (sorted.empty()) return 0;
    const auto rank = static_cast<std::size_t>(q / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return s(ru.ru_utime) + s(ru.ru_stime);
}

}  // namespace

int main(int argc, char** argv) try {
    using kw::bench::arg;
    const auto args = kw::bench::parse_args(argc, argv);
    Run run;
    run.host = arg(args, "host", "127.0.0.1");
    for (std::string rest = arg(args, "port", "8080"); !rest.empty();) {
        const auto comma = rest.find(',');
        if (comma != 0) run.ports.push_back(rest.substr(0, comma));
        rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    }
    if (run.ports.empty()) throw std::runtime_error("--port: no port given");
    run.port = run.ports.front();
    const char* token = std::getenv("KW_BENCH_TOKEN");
    run.token = token ? token : "";
    run.channels = read_channels(arg(args, "channels", ""));
    if (run.token.empty()) throw std::runtime_error("KW_BENCH_TOKEN (a bearer token) is required");
    if (run.channels.empty()) throw std::runtime_error("no channels in --channels");
    const double seconds = std::stod(arg(args, "seconds", "60"));
    const double idle = std::stod(arg(args, "idle", "0"));
    const double ready_timeout = std::stod(arg(args, "ready-timeout", "120"));
    const int threads = std::max(1, std::stoi(arg(args, "threads", "1")));
    const int total = static_cast<int>(run.channels.size());

    net::io_context io(threads);
    std::vector<Client> clients(run.channels.size());
    net::co_spawn(net::make_strand(io), open_all(run, clients, io), net::detached);

    // Stops on SIGTERM/SIGINT and when stdin closes (run.py holding the other end went away).
    std::atomic<bool> stop{false};
    net::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](beast::error_code ec, int) {
        if (!ec) stop = true;
    });
    std::thread stdin_watch([&] {
        char c;
        while (::read(0, &c, 1) > 0) {
        }
        stop = true;
    });
    stdin_watch.detach();

    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([&] { io.run(); });

    // The clock of the run, polled every 50 ms on this thread.
    const double t0 = kw::bench::now_s();
    double ready_at = 0;
    for (; !stop; std::this_thread::sleep_for(std::chrono::milliseconds(50))) {
        const double now = kw::bench::now_s();
        if (ready_at == 0) {
            if (run.subscribed + run.failed >= total || now - t0 > ready_timeout) {
                ready_at = now;
                run.measuring = true;
                std::fprintf(stderr, "ready %d/%d subscribed after %.1f s\n", run.subscribed.load(), total, now - t0);
                std::fflush(stderr);
            }
            continue;
        }
        if (now - ready_at >= seconds) break;
        if (static_cast<int>(now - ready_at) != static_cast<int>(now - 0.05 - ready_at)) {
            std::fprintf(stderr, "received %lld\n", run.received.load());  // progress, once a second
            std::fflush(stderr);
        }
        const double last = run.last_message_s.load();
        if (idle > 0 && last > 0 && now - last >= idle) break;
    }
    run.measuring = false;
    io.stop();
    for (auto& t : pool) t.join();

    std::vector<float> all;
    long long silent = 0;
    double first = 0, last = 0;
    for (const auto& c : clients) {
        all.insert(all.end(), c.latencies_ms.begin(), c.latencies_ms.end());
        if (c.latencies_ms.empty()) {
            ++silent;
            continue;
        }
        first = first == 0 ? c.first_ms : std::min(first, c.first_ms);
        last = std::max(last, c.last_ms);
    }
    std::sort(all.begin(), all.end());
    const double span_s = (last - first) / 1000.0;
    json::object out{{"clients", total},
                     {"subscribed", run.subscribed.load()},
                     {"received", static_cast<std::int64_t>(all.size())},
                     {"silent_clients", silent},
                     {"p50_ms", percentile(all, 50)},
                     {"p99_ms", percentile(all, 99)},
                     {"max_ms", all.empty() ? 0.0 : static_cast<double>(all.back())},
                     {"per_s", span_s > 0 ? static_cast<double>(all.size()) / span_s : 0.0},
                     {"errors", run.errors},
                     {"first_error", run.first_error},
                     {"cpu_s", cpu_seconds()}};
    std::printf("%s\n", json::serialize(out).c_str());
    std::fflush(stdout);
    // The clients' sockets and coroutines die with the process: a clean close of 1,000
    // connections would only add time.
    std::_Exit(0);
} catch (const std::exception& e) {
    std::fprintf(stderr, "kw-bench-ws-latency: %s\n", e.what());
    return 1;
}
