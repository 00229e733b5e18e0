// kw-bench-ocpp-load: the OCPP load generator of `make bench` scenarios ocpp (1.6J) and ocpp201
// (2.0.1, config "version": "ocpp2.0.1"; its script is script201's comment) in C++; for 1.6 the same
// script, configuration, protocol with the harness and result JSON as tools/ocpp_load.mjs (read its
// header), for a lighter generator on the machine the stack runs on: the Node one, an ocpp-rpc
// client per station with strict schema validation both ways, used half a core of the two at
// 3,800 calls/s. This one checks what the script needs (BootNotification Accepted, idTagInfo
// Accepted, a transactionId) and that every answer is a CALLRESULT, not the schemas: the edge
// validates every frame against them, and the Node generator and the e2e tests check its answers.
//   kw-bench-ocpp-load --config stations.json --out result.json
// One thread, one coroutine per station plus its reader; stdin is read on a second thread.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "args.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
const std::vector<std::string> kKinds16 = {"BootNotification", "StatusNotification", "Authorize",
                                           "StartTransaction", "MeterValues",        "StopTransaction"};
// 2.0.1: the transaction's events are one action, timed apart by their eventType.
const std::vector<std::string> kKinds201 = {"BootNotification",         "StatusNotification",
                                            "Authorize",                "TransactionEvent Started",
                                            "TransactionEvent Updated", "TransactionEvent Ended"};

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string iso_now() {
    using namespace std::chrono;
    const auto now = time_point_cast<milliseconds>(system_clock::now());
    const auto day = floor<days>(now);
    const year_month_day ymd{day};
    const hh_mm_ss hms{now - day};
    char buf[32];
    std::snprintf(
        buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<int>(ymd.year()),
        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
        static_cast<long long>(hms.hours().count()), static_cast<long long>(hms.minutes().count()),
        static_cast<long long>(hms.seconds().count()), static_cast<long long>(hms.subseconds().count()));
    return buf;
}

struct Failure {
    std::string code, step, reason;
};

struct Station {
    std::string code, password, uid;
    std::int64_t meter = 0;
    double next_at = 0;  // ms on the run's clock: when its next call may start (paced)
    std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
    std::unique_ptr<net::steady_timer> wake;  // the script waits on it for its answer
    std::deque<std::string> out;              // frames waiting for the one write in flight
    bool writing = false, closing = false;
    std::string call_id;                // our CALL awaiting its answer
    std::optional<json::value> answer;  // its CALLRESULT payload
    std::optional<std::string> error;   // or its CALLERROR
    std::uint64_t next_id = 1;
};

struct Run {
    std::string out_path;
    std::string version = "ocpp1.6";  // or "ocpp2.0.1"
    std::string host, port, path;
    int cycles = 3, meter_values = 3, ramp = 200, call_timeout_ms = 30000;
    std::int64_t step = 100;
    double stagger = 1;  // paced: the first calls spread over this many intervals
    double interval_ms = 0;
    std::vector<Station> stations;
    std::map<std::string, std::vector<double>> latencies;
    std::vector<Failure> failures;
    std::map<std::string, long long> edge_calls;
    std::vector<long long> per_second;
    json::array sessions;
    long long calls = 0;
    std::optional<Clock::time_point> first_call, last_answer;
    Clock::time_point calls_t0;
    int connected = 0;
};

struct ScriptFailed {};

void send(Station& st, std::string frame);

net::awaitable<void> drain(Station& st) {
    while (!st.out.empty() && st.ws) {
        std::string frame = std::move(st.out.front());
        st.out.pop_front();
        auto [ec, n] = co_await st.ws->async_write(net::buffer(frame), kAsTuple);
        if (ec) break;
    }
    st.writing = false;
}

void send(Station& st, std::string frame) {
    st.out.push_back(std::move(frame));
    if (st.writing) return;
    st.writing = true;
    net::co_spawn(st.ws->get_executor(), drain(st), net::detached);
}

// 2.0.1: SetVariables answered Accepted for each variable, as a station that has them.
json::object set_variables_result(const json::object& request) {
    json::array results;
    if (const auto* data = request.if_contains("setVariableData"); data && data->is_array())
        for (const auto& d : data->as_array())
            results.push_back(json::object{{"attributeStatus", "Accepted"},
                                           {"component", d.as_object().at("component")},
                                           {"variable", d.as_object().at("variable")}});
    return {{"setVariableResult", results}};
}

// Every frame from the edge: answers to our CALL wake the script; CALLs of the edge are answered.
net::awaitable<void> reader(Run& run, Station& st) {
    beast::flat_buffer buf;
    for (;;) {
        auto [ec, n] = co_await st.ws->async_read(buf, kAsTuple);
        if (ec) {
            if (!st.closing) run.failures.push_back({st.code, "connection", "closed: " + ec.message()});
            st.wake->cancel();
            co_return;
        }
        boost::system::error_code pec;
        json::value v = json::parse(beast::buffers_to_string(buf.data()), pec);
        buf.consume(buf.size());
        if (pec || !v.is_array() || v.as_array().size() < 3 || !v.as_array()[0].is_int64()) {
            run.failures.push_back({st.code, "frame", "not an OCPP-J frame"});
            continue;
        }
        const json::array& f = v.as_array();
        const std::int64_t type = f[0].as_int64();
        const std::string id = f[1].is_string() ? std::string(f[1].as_string()) : "";
        if (type == 2 && f.size() == 4 && f[2].is_string()) {
            const std::string action(f[2].as_string());
            ++run.edge_calls[action];
            if (action == "ChangeConfiguration")
                send(st, json::serialize(json::array{3, id, json::object{{"status", "Accepted"}}}));
            else if (action == "SetVariables" && f[3].is_object())  // 2.0.1: the meter interval at boot
                send(st, json::serialize(json::array{3, id, set_variables_result(f[3].as_object())}));
            else
                send(st, json::serialize(json::array{4, id, "NotImplemented",
                                                     action + ": not handled by the bench charge point",
                                                     json::object{}}));
        } else if (id == st.call_id && type == 3) {
            st.answer = f[2];
            st.wake->cancel();
        } else if (id == st.call_id && type == 4) {
            st.error =
                "CALLERROR " + json::serialize(f[2]) + ": " + (f.size() > 3 ? json::serialize(f[3]) : "");
            st.wake->cancel();
        }
    }
}

[[noreturn]] void fail(Run& run, const Station& st, const std::string& step, const std::string& reason) {
    run.failures.push_back({st.code, step, reason.substr(0, 300)});
    throw ScriptFailed{};
}

net::awaitable<json::object> call(Run& run, Station& st, const std::string& kind, json::object params,
                                  const std::string& step) {
    if (run.interval_ms > 0) {
        const double now = ms_since(run.calls_t0);
        if (st.next_at > now) {
            st.wake->expires_after(
                std::chrono::microseconds(static_cast<long long>((st.next_at - now) * 1000)));
            co_await st.wake->async_wait(kAsTuple);
        }
        st.next_at = std::max(st.next_at + run.interval_ms, ms_since(run.calls_t0));
    }
    st.call_id = std::to_string(st.next_id++);
    st.answer.reset();
    st.error.reset();
    const auto t0 = Clock::now();
    if (!run.first_call) run.first_call = t0;
    const std::string action = kind.substr(0, kind.find(' '));  // "TransactionEvent Started" -> its action
    send(st, json::serialize(json::array{2, st.call_id, action, std::move(params)}));
    st.wake->expires_after(std::chrono::milliseconds(run.call_timeout_ms));
    co_await st.wake->async_wait(kAsTuple);
    st.call_id.clear();
    if (st.error) fail(run, st, step, *st.error);
    if (!st.answer) fail(run, st, step, "no answer (timeout or connection closed)");
    if (!st.answer->is_object()) fail(run, st, step, "answer not an object");
    const auto t1 = Clock::now();
    run.last_answer = t1;
    ++run.calls;
    run.latencies[kind].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    const auto sec = static_cast<std::size_t>(std::chrono::duration<double>(t1 - run.calls_t0).count());
    if (run.per_second.size() <= sec) run.per_second.resize(sec + 1, 0);
    ++run.per_second[sec];
    co_return st.answer->as_object();
}

std::string status_of(const json::object& answer, const char* field) {
    const json::value* info = answer.if_contains(field);
    if (!info || !info->is_object()) return "";
    const json::value* s = info->as_object().if_contains("status");
    return s && s->is_string() ? std::string(s->as_string()) : "";
}

// The calls' parameters are built before each co_await: g++ 12 cannot keep string literals of a
// braced list inside a co_await expression in the coroutine frame ("array used as initializer").
json::object boot_params(const Station& st) {
    return {{"chargePointVendor", "Bench"},
            {"chargePointModel", "OCPP16-DC"},
            {"chargePointSerialNumber", "SN-" + st.code},
            {"firmwareVersion", "1.6.0-bench"}};
}
json::object status_params(int connector) {
    return {{"connectorId", connector},
            {"errorCode", "NoError"},
            {"status", "Available"},
            {"timestamp", iso_now()}};
}
json::object start_params(const Station& st, std::int64_t meter_start) {
    return {{"connectorId", 1}, {"idTag", st.uid}, {"meterStart", meter_start}, {"timestamp", iso_now()}};
}
json::object meter_params(std::int64_t tx, std::int64_t wh) {
    json::object sampled{{"value", std::to_string(wh)},
                         {"measurand", "Energy.Active.Import.Register"},
                         {"unit", "Wh"},
                         {"context", "Sample.Periodic"}};
    return {{"connectorId", 1},
            {"transactionId", tx},
            {"meterValue",
             json::array{json::object{{"timestamp", iso_now()}, {"sampledValue", json::array{sampled}}}}}};
}
json::object stop_params(const Station& st, std::int64_t tx) {
    return {{"transactionId", tx},
            {"idTag", st.uid},
            {"meterStop", st.meter},
            {"timestamp", iso_now()},
            {"reason", "Local"}};
}
json::object session_row(const Station& st, std::int64_t tx, std::int64_t meter_start) {
    return {{"code", st.code},
            {"uid", st.uid},
            {"transaction_id", tx},
            {"meter_start", meter_start},
            {"meter_stop", st.meter}};
}

net::awaitable<void> script(Run& run, Station& st) {
    const std::string kBoot = "BootNotification", kStatus = "StatusNotification", kAuthorize = "Authorize",
                      kStart = "StartTransaction", kMeter = "MeterValues", kStop = "StopTransaction";
    try {
        json::object boot = co_await call(run, st, kBoot, boot_params(st), "boot");
        const json::value* boot_status = boot.if_contains("status");
        if (!boot_status || !boot_status->is_string() || boot_status->as_string() != "Accepted")
            fail(run, st, "boot", "BootNotification " + json::serialize(boot));
        for (int connector = 0; connector <= 1; ++connector)
            co_await call(run, st, kStatus, status_params(connector), "status " + std::to_string(connector));
        for (int c = 1; c <= run.cycles; ++c) {
            const std::string n = std::to_string(c);
            json::object auth_params;
            auth_params["idTag"] = st.uid;
            json::object auth = co_await call(run, st, kAuthorize, std::move(auth_params), "authorize " + n);
            if (status_of(auth, "idTagInfo") != "Accepted")
                fail(run, st, "authorize " + n, "idTagInfo " + json::serialize(auth));
            const std::int64_t meter_start = st.meter;
            json::object start = co_await call(run, st, kStart, start_params(st, meter_start), "start " + n);
            const json::value* tx = start.if_contains("transactionId");
            if (status_of(start, "idTagInfo") != "Accepted" || !tx || !tx->is_int64() || tx->as_int64() <= 0)
                fail(run, st, "start " + n, "StartTransaction answered " + json::serialize(start));
            const std::int64_t id = tx->as_int64();
            for (int m = 1; m <= run.meter_values; ++m) {
                st.meter += run.step;
                co_await call(run, st, kMeter, meter_params(id, st.meter),
                              "meter " + n + "." + std::to_string(m));
            }
            json::object stop = co_await call(run, st, kStop, stop_params(st, id), "stop " + n);
            const std::string stop_status = status_of(stop, "idTagInfo");
            if (!stop_status.empty() && stop_status != "Accepted")
                fail(run, st, "stop " + n, "idTagInfo " + json::serialize(stop));
            run.sessions.push_back(session_row(st, id, meter_start));
        }
    } catch (const ScriptFailed&) {
    }
}

// OCPP 2.0.1: BootNotification, StatusNotification (EVSE 1), then `cycles` x (Authorize with the card,
// TransactionEvent Started with it (answered with the card's status once the core made the order),
// `meter_values` x Updated, Ended). The order is found by the harness from the driver's orders.
json::object boot201_params(const Station& st) {
    return {{"reason", "PowerUp"},
            {"chargingStation",
             {{"model", "OCPP201-DC"}, {"vendorName", "Bench"}, {"serialNumber", "SN-" + st.code},
              {"firmwareVersion", "2.0.1-bench"}}}};
}
json::object status201_params() {
    return {{"timestamp", iso_now()}, {"connectorStatus", "Available"}, {"evseId", 1}, {"connectorId", 1}};
}
json::object token201(const Station& st) { return {{"idToken", st.uid}, {"type", "ISO14443"}}; }
json::object event201(const std::string& type, const std::string& trigger, int seq, const std::string& tx,
                      std::int64_t wh, const char* context) {
    json::object sampled{{"value", wh},
                         {"context", context},
                         {"measurand", "Energy.Active.Import.Register"},
                         {"unitOfMeasure", {{"unit", "Wh"}}}};
    json::object info{{"transactionId", tx}};
    if (type == "Updated") info["chargingState"] = "Charging";
    if (type == "Ended") info["stoppedReason"] = "Local";
    return {{"eventType", type},
            {"timestamp", iso_now()},
            {"triggerReason", trigger},
            {"seqNo", seq},
            {"transactionInfo", std::move(info)},
            {"evse", {{"id", 1}, {"connectorId", 1}}},
            {"meterValue", json::array{json::object{{"timestamp", iso_now()}, {"sampledValue", json::array{sampled}}}}}};
}

net::awaitable<void> script201(Run& run, Station& st) {
    const std::string kBoot = "BootNotification", kStatus = "StatusNotification", kAuthorize = "Authorize",
                      kStarted = "TransactionEvent Started", kUpdated = "TransactionEvent Updated",
                      kEnded = "TransactionEvent Ended";
    try {
        json::object boot = co_await call(run, st, kBoot, boot201_params(st), "boot");
        const json::value* boot_status = boot.if_contains("status");
        if (!boot_status || !boot_status->is_string() || boot_status->as_string() != "Accepted")
            fail(run, st, "boot", "BootNotification " + json::serialize(boot));
        co_await call(run, st, kStatus, status201_params(), "status 1");
        for (int c = 1; c <= run.cycles; ++c) {
            const std::string n = std::to_string(c);
            json::object auth_params;
            auth_params["idToken"] = token201(st);
            json::object auth = co_await call(run, st, kAuthorize, std::move(auth_params), "authorize " + n);
            if (status_of(auth, "idTokenInfo") != "Accepted")
                fail(run, st, "authorize " + n, "idTokenInfo " + json::serialize(auth));
            const std::int64_t meter_start = st.meter;
            const std::string tx = st.code + "-" + std::to_string(meter_start);
            json::object started = event201("Started", "Authorized", 0, tx, meter_start, "Transaction.Begin");
            started["idToken"] = token201(st);
            json::object answer = co_await call(run, st, kStarted, std::move(started), "start " + n);
            if (status_of(answer, "idTokenInfo") != "Accepted")
                fail(run, st, "start " + n, "TransactionEvent Started answered " + json::serialize(answer));
            for (int m = 1; m <= run.meter_values; ++m) {
                st.meter += run.step;
                co_await call(run, st, kUpdated, event201("Updated", "MeterValuePeriodic", m, tx, st.meter, "Sample.Periodic"),
                              "meter " + n + "." + std::to_string(m));
            }
            co_await call(run, st, kEnded,
                          event201("Ended", "StopAuthorized", run.meter_values + 1, tx, st.meter, "Transaction.End"),
                          "stop " + n);
            json::object row = session_row(st, 0, meter_start);
            row["transaction_id"] = nullptr;  // the harness finds the order by the driver and meter_start
            row["ocpp_transaction"] = tx;
            run.sessions.push_back(std::move(row));
        }
    } catch (const ScriptFailed&) {
    }
}

net::awaitable<void> connect(Run& run, Station& st) {
    auto ex = co_await net::this_coro::executor;
    tcp::resolver resolver(ex);
    auto [rec, results] = co_await resolver.async_resolve(run.host, run.port, kAsTuple);
    auto ws = std::make_unique<websocket::stream<beast::tcp_stream>>(ex);
    if (!rec) {
        auto [cec, ep] = co_await beast::get_lowest_layer(*ws).async_connect(results, kAsTuple);
        rec = cec;
    }
    if (!rec) {
        const std::string basic = st.code + ":" + st.password;
        std::string b64(beast::detail::base64::encoded_size(basic.size()), '\0');
        b64.resize(beast::detail::base64::encode(b64.data(), basic.data(), basic.size()));
        ws->set_option(websocket::stream_base::decorator([b64, v = run.version](websocket::request_type& req) {
            req.set(http::field::sec_websocket_protocol, v);
            req.set(http::field::authorization, "Basic " + b64);
        }));
        websocket::response_type res;
        auto [hec] =
            co_await ws->async_handshake(res, run.host + ":" + run.port, run.path + "/" + st.code, kAsTuple);
        rec = hec;
        if (!rec && res[http::field::sec_websocket_protocol] != run.version)
            rec = make_error_code(boost::system::errc::protocol_not_supported);
    }
    if (rec) {
        run.failures.push_back({st.code, "connect", rec.message()});
        co_return;
    }
    beast::get_lowest_layer(*ws).expires_never();
    ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    st.ws = std::move(ws);
    st.wake = std::make_unique<net::steady_timer>(ex);
    ++run.connected;
    net::co_spawn(ex, reader(run, st), net::detached);
}

// Runs `n` coroutines made by make(i) and waits for all of them.
template <class Make>
net::awaitable<void> all(std::size_t n, Make make) {
    auto ex = co_await net::this_coro::executor;
    auto left = std::make_shared<std::size_t>(n);
    auto done = std::make_shared<net::steady_timer>(ex, Clock::time_point::max());
    for (std::size_t i = 0; i < n; ++i)
        net::co_spawn(ex, make(i), [left, done](std::exception_ptr) {
            if (--*left == 0) done->cancel();
        });
    if (n > 0) co_await done->async_wait(kAsTuple);
}

json::object summary(std::vector<double> v) {
    if (v.empty())
        return {{"count", 0},        {"p50_ms", nullptr}, {"p90_ms", nullptr},
                {"p99_ms", nullptr}, {"max_ms", nullptr}, {"mean_ms", nullptr}};
    std::sort(v.begin(), v.end());
    auto q = [&](double p) {
        return v[std::min(v.size() - 1,
                          static_cast<std::size_t>(std::lround(p / 100 * double(v.size() - 1))))];
    };
    auto r = [](double x) { return std::round(x * 100) / 100; };
    double sum = 0;
    for (double x : v) sum += x;
    return {{"count", v.size()},  {"p50_ms", r(q(50))},    {"p90_ms", r(q(90))},
            {"p99_ms", r(q(99))}, {"max_ms", r(v.back())}, {"mean_ms", r(sum / double(v.size()))}};
}

net::awaitable<void> main_flow(Run& run, net::steady_timer& go, const bool& go_given, const bool& stdin_ended,
                               net::steady_timer& end) {
    const auto t_connect = Clock::now();
    const std::size_t k = run.stations.size();
    for (std::size_t i = 0; i < k; i += static_cast<std::size_t>(run.ramp)) {
        const std::size_t n = std::min(k - i, static_cast<std::size_t>(run.ramp));
        co_await all(n, [&run, i](std::size_t j) { return connect(run, run.stations[i + j]); });
        std::fprintf(stderr, "connected %d/%zu\n", run.connected, k);
    }
    const double connect_s = ms_since(t_connect) / 1000;
    std::fprintf(stderr, "ready %d\n", run.connected);
    if (!go_given && !stdin_ended) co_await go.async_wait(kAsTuple);

    run.calls_t0 = Clock::now();
    std::mt19937_64 rng(std::random_device{}());
    for (auto& st : run.stations)
        st.next_at = std::uniform_real_distribution<double>(0, 1)(rng) * run.interval_ms * run.stagger;
    if (go_given) {
        std::vector<Station*> live;
        for (auto& st : run.stations)
            if (st.ws) live.push_back(&st);
        co_await all(live.size(), [&run, &live](std::size_t j) {
            return run.version == "ocpp2.0.1" ? script201(run, *live[j]) : script(run, *live[j]);
        });
    }
    const double span_s = run.first_call && run.last_answer
                              ? std::chrono::duration<double>(*run.last_answer - *run.first_call).count()
                              : 0;
    std::fprintf(stderr, "done %lld calls in %.2f s\n", run.calls, span_s);

    if (!stdin_ended) co_await end.async_wait(kAsTuple);
    for (auto& st : run.stations) {
        if (!st.ws) continue;
        st.closing = true;
        co_await st.ws->async_close(websocket::close_code::normal, kAsTuple);  // an error here changes nothing
    }
    json::object kinds;
    std::vector<double> every;
    for (const auto& kind : run.version == "ocpp2.0.1" ? kKinds201 : kKinds16) {
        kinds[kind] = summary(run.latencies[kind]);
        every.insert(every.end(), run.latencies[kind].begin(), run.latencies[kind].end());
    }
    json::array failure_list;
    std::map<std::string, long long> reason_counts;
    for (const auto& f : run.failures) {
        if (failure_list.size() < 200)
            failure_list.push_back({{"code", f.code}, {"step", f.step}, {"reason", f.reason}});
        std::string step = f.step.substr(0, f.step.find(' '));
        std::string reason = f.reason.substr(0, 120);
        std::replace_if(
            reason.begin(), reason.end(), [](char c) { return c >= '0' && c <= '9'; }, 'N');
        ++reason_counts[step + ": " + reason];
    }
    json::object reasons;
    for (const auto& [r, n] : reason_counts) reasons[r] = n;
    json::object edge_calls;
    for (const auto& [a, n] : run.edge_calls) edge_calls[a] = n;
    json::array per_second(run.per_second.begin(), run.per_second.end());
    const double interval_s = run.interval_ms / 1000;
    json::object result{
        {"stations", k},
        {"connected", run.connected},
        {"connect_s", std::round(connect_s * 100) / 100},
        {"calls", run.calls},
        {"calls_expected", k * static_cast<std::size_t>((run.version == "ocpp2.0.1" ? 2 : 3) +
                                                        run.cycles * (3 + run.meter_values))},
        {"version", run.version},
        {"span_s", std::round(span_s * 1000) / 1000},
        {"calls_per_s",
         span_s > 0 ? json::value(std::round(double(run.calls) / span_s * 10) / 10) : json::value(nullptr)},
        {"interval_s", interval_s > 0 ? json::value(interval_s) : json::value(nullptr)},
        {"offered_per_s",
         interval_s > 0 ? json::value(std::round(double(k) / interval_s * 10) / 10) : json::value(nullptr)},
        {"all", summary(every)},
        {"kinds", kinds},
        {"failures", run.failures.size()},
        {"failure_list", failure_list},
        {"failure_reasons", reasons},
        {"edge_calls", edge_calls},
        {"answers_per_second", per_second},
        {"sessions", run.sessions},
        {"generator", "kw-bench-ocpp-load (C++)"},
    };
    std::ofstream(run.out_path) << json::serialize(result);
}

}  // namespace

int main(int argc, char** argv) {
    const auto args = kw::bench::parse_args(argc, argv);
    const std::string config = kw::bench::arg(args, "config", ""), out = kw::bench::arg(args, "out", "");
    if (config.empty() || out.empty()) {
        std::fprintf(stderr, "usage: kw-bench-ocpp-load --config stations.json --out result.json\n");
        return 2;
    }
    Run run;
    try {
        std::ifstream in(config);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const json::object cfg = json::parse(text).as_object();
        const std::string url_text(cfg.at("url").as_string());  // the view below points into it
        auto url = boost::urls::parse_uri(url_text);
        if (!url) throw std::runtime_error("url: " + url.error().message());
        run.host = url->host();
        run.port = url->has_port() ? std::string(url->port()) : "80";
        run.path = url->path();
        auto num = [&](const char* key, double fallback) {
            const json::value* v = cfg.if_contains(key);
            return v && v->is_number() ? v->to_number<double>() : fallback;
        };
        run.cycles = static_cast<int>(num("cycles", 3));
        if (const json::value* v = cfg.if_contains("version"); v && v->is_string()) run.version = v->as_string();
        if (run.version != "ocpp1.6" && run.version != "ocpp2.0.1")
            throw std::runtime_error("version must be ocpp1.6 or ocpp2.0.1");
        run.meter_values = static_cast<int>(num("meter_values", 3));
        run.step = static_cast<std::int64_t>(num("meter_step_wh", 100));
        run.ramp = std::max(1, static_cast<int>(num("ramp", 200)));
        run.call_timeout_ms = static_cast<int>(num("call_timeout_ms", 30000));
        run.interval_ms = num("interval_s", 0) * 1000;
        run.stagger = num("stagger", 1);
        const auto start_wh = static_cast<std::int64_t>(num("meter_start_wh", 10000));
        for (const auto& s : cfg.at("stations").as_array()) {
            Station st;
            st.code = s.at("code").as_string();
            st.password = s.at("password").as_string();
            st.uid = s.at("uid").as_string();
            st.meter = start_wh;
            run.stations.push_back(std::move(st));
        }
        run.out_path = out;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kw-bench-ocpp-load: bad config %s: %s\n", config.c_str(), e.what());
        return 2;
    }

    net::io_context io;
    net::steady_timer go(io, Clock::time_point::max()), end(io, Clock::time_point::max());
    bool go_given = false, stdin_ended = false;
    std::thread stdin_reader([&] {
        std::string line;
        while (std::getline(std::cin, line))
            if (line == "go")
                net::post(io, [&] {
                    go_given = true;
                    go.cancel();
                });
        net::post(io, [&] {
            stdin_ended = true;
            go.cancel();
            end.cancel();
        });
    });
    stdin_reader.detach();
    int rc = 0;
    net::co_spawn(io, main_flow(run, go, go_given, stdin_ended, end), [&](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            std::fprintf(stderr, "kw-bench-ocpp-load: %s\n", ex.what());
        }
        rc = 1;
    });
    io.run();
    std::fflush(stderr);
    std::_Exit(rc);  // the stdin thread may still be blocked in getline
}
