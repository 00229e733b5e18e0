// kw-bench-mqtt-flood: publishes the meter messages kilowatt-sim sends (kw::sim::meter_payload, the
// same bytes) at a given total rate or as fast as the broker takes them, over one connection per
// charger, so an ingest figure can be compared with the broker's own delivery rate.
//   kw-bench-mqtt-flood --port P --chargers FILE [--rate 0] [--seconds 10] [--qos 0|1] [--threads 2]
//                       [--user U --password W] [--final FILE] [--end] [--ready-file F]
// FILE: CSV with header code,password,tx_id,energy_wh,power_w[,order_id,meter_start_wh,started_at] (tx_id may
// be empty; the last three are what --end needs: the transaction's order and how it began). Each charger's
// register starts at energy_wh and rises as power_w would make it (never faster than the charger
// can, so the server judges every reading plausible). With --user, every connection logs in as U
// (client id U-<n>) instead of as the charger: the broker-only baseline. --final writes
// code,energy_wh of the last reading published per charger (the ground truth billing needs).
// --ready-file is written once every connection is up, when publishing starts (a caller measuring
// CPU over the publishing alone starts its clock there).
// --end: afterwards (with --seconds 0: at once) each charger with a tx_id and order_id ends its transaction as a charger does when
// the driver unplugs (kw/v1/<code>/tx "ended", QoS 1, reason local, meter_wh = its last reading): the
// reading a bill is made of travels in that event, so meter samples the broker dropped under the flood
// (its queue for a slow subscriber is bounded) cannot change a bill.
// Output: progress on stderr, {"sent":N,"seconds":S,"rate":N/S,"connections":C,"qos":Q} on stdout.
#include <mosquitto.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench_mqtt.hpp"
#include "messages.hpp"

namespace {

struct Charger {
    std::string code, password, tx_id, topic;
    std::int64_t order_id = 0, meter_start_wh = 0;
    std::string started_at;
    long long energy0 = 0, energy = 0;
    int power_w = 7000;
    mosquitto* m = nullptr;
    int inflight = 0;  // QoS 1 publishes not yet acknowledged
    int connect_rc = -1;
};

std::vector<Charger> read_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::string line;
    std::getline(in, line);  // header
    std::vector<Charger> out;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::stringstream ss(line);
        std::string f[8];
        for (auto& x : f) std::getline(ss, x, ',');
        Charger c;
        c.code = f[0];
        c.password = f[1];
        c.tx_id = f[2];
        c.energy0 = c.energy = f[3].empty() ? 0 : std::stoll(f[3]);
        c.power_w = f[4].empty() ? 7000 : std::stoi(f[4]);
        c.order_id = f[5].empty() ? 0 : std::stoll(f[5]);
        c.meter_start_wh = f[6].empty() ? 0 : std::stoll(f[6]);
        c.started_at = f[7];
        c.topic = kw::sim::topic(c.code, "meter");
        out.push_back(std::move(c));
    }
    return out;
}

void on_connect(mosquitto*, void* obj, int rc) { static_cast<Charger*>(obj)->connect_rc = rc; }
void on_publish(mosquitto*, void* obj, int) { --static_cast<Charger*>(obj)->inflight; }

}  // namespace

int main(int argc, char** argv) try {
    using kw::bench::arg;
    const auto args = kw::bench::parse_args(argc, argv);
    auto chargers = read_csv(arg(args, "chargers", ""));
    if (chargers.empty()) throw std::runtime_error("no chargers in --chargers");
    const double rate = std::stod(arg(args, "rate", "0"));
    const double seconds = std::stod(arg(args, "seconds", "10"));
    const int qos = std::stoi(arg(args, "qos", "0"));
    const int threads = std::max(1, std::stoi(arg(args, "threads", "2")));
    const std::string user = arg(args, "user", ""), host = arg(args, "host", "127.0.0.1");
    const int port = std::stoi(arg(args, "port", "1883"));
    const bool end = args.count("end") > 0;

    mosquitto_lib_init();
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        auto& c = chargers[i];
        const std::string id = user.empty() ? c.code : fmt::format("{}-{}", user, i);
        c.m = kw::bench::connect_client(id, user.empty() ? c.code : user,
                                        user.empty() ? c.password : arg(args, "password", ""), host, port, &c);
        mosquitto_connect_callback_set(c.m, on_connect);
        mosquitto_publish_callback_set(c.m, on_publish);
    }
    // Wait for every CONNACK before the clock starts.
    for (int round = 0; round < 200; ++round) {
        bool all = true;
        for (auto& c : chargers) {
            mosquitto_loop(c.m, 0, 1);
            if (c.connect_rc > 0) throw std::runtime_error(fmt::format("{}: connection refused ({})", c.code, c.connect_rc));
            all = all && c.connect_rc == 0;
        }
        if (all) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    if (auto ready = arg(args, "ready-file", ""); !ready.empty()) std::ofstream(ready) << "publishing\n";
    std::atomic<long long> sent{0};
    std::atomic<int> ended{0};
    const double start = kw::bench::now_s();
    const auto wall0 = std::chrono::system_clock::now();
    auto worker = [&](int t) {
        long long mine = 0;
        const double my_rate = rate / threads;
        std::vector<Charger*> own;
        for (std::size_t i = t; i < chargers.size(); i += threads) own.push_back(&chargers[i]);
        // Each sweep starts after the charger that published last: a paced rate smaller than one
        // message per charger per sweep still reaches every charger in turn, not only the first few.
        std::size_t next = 0;
        while (true) {
            const double elapsed = kw::bench::now_s() - start;
            if (elapsed >= seconds) break;
            long long budget = rate > 0 ? static_cast<long long>(elapsed * my_rate) - mine : 1 << 30;
            const std::size_t first = next;
            for (std::size_t j = 0; j < own.size(); ++j) {
                Charger* c = own[(first + j) % own.size()];
                mosquitto_loop(c->m, 0, 1);
                if (budget <= 0) continue;
                // Back-pressure: publish only to a connection whose socket took the last one.
                if (mosquitto_want_write(c->m) || (qos == 1 && c->inflight >= 100)) continue;
                const auto now = std::chrono::system_clock::now();
                const double dt = std::chrono::duration<double>(now - wall0).count();
                c->energy = c->energy0 + static_cast<long long>(std::floor(c->power_w * dt / 3600.0));
                kw::sim::MeterReading r;
                r.connector = 1;
                r.tx_id = c->tx_id;
                r.energy_wh = c->energy;
                r.power_w = c->power_w;
                r.voltage_v = 230.0;
                r.current_a = c->power_w / 230.0;
                const std::string payload = kw::sim::meter_payload(r, now);
                if (qos == 1) ++c->inflight;
                if (mosquitto_publish(c->m, nullptr, c->topic.c_str(), static_cast<int>(payload.size()),
                                      payload.data(), qos, false) == MOSQ_ERR_SUCCESS) {
                    ++mine;
                    --budget;
                    next = (first + j + 1) % own.size();
                    sent.fetch_add(1, std::memory_order_relaxed);
                } else if (qos == 1) {
                    --c->inflight;
                }
            }
            if (rate > 0 && budget <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (end) {
            for (Charger* c : own) {
                if (c->tx_id.empty() || c->order_id == 0 || c->started_at.empty()) continue;
                kw::sim::TxEnded e;
                e.tx_id = c->tx_id;
                e.connector = 1;
                e.order_id = c->order_id;
                e.meter_start_wh = c->meter_start_wh;
                e.started_at = c->started_at;
                e.meter_wh = c->energy;
                e.reason = "local";
                const std::string payload = kw::sim::tx_ended_payload(e, std::chrono::system_clock::now());
                const std::string topic = kw::sim::topic(c->code, "tx");
                ++c->inflight;
                if (mosquitto_publish(c->m, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(),
                                      1, false) == MOSQ_ERR_SUCCESS)
                    ended.fetch_add(1, std::memory_order_relaxed);
                else
                    --c->inflight;
            }
        }
        // Drain: every queued packet written and, for QoS 1 (and the ended events), acknowledged.
        const double drain_until = kw::bench::now_s() + 30;
        for (bool busy = true; busy && kw::bench::now_s() < drain_until;) {
            busy = false;
            for (Charger* c : own) {
                mosquitto_loop(c->m, 1, 1);
                busy = busy || mosquitto_want_write(c->m) || ((qos == 1 || end) && c->inflight > 0);
            }
        }
    };
    std::thread progress([&] {
        long long last = 0;
        for (int s = 1; s <= static_cast<int>(seconds); ++s) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
            const long long now = sent.load();
            std::fprintf(stderr, "kw-bench-mqtt-flood: %lld messages/s\n", now - last);
            last = now;
        }
    });
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
    for (auto& th : pool) th.join();
    const double took = kw::bench::now_s() - start;
    progress.join();

    if (auto path = arg(args, "final", ""); !path.empty()) {
        std::ofstream out(path);
        out << "code,energy_wh\n";
        for (const auto& c : chargers) out << c.code << "," << c.energy << "\n";
    }
    for (auto& c : chargers) {
        mosquitto_disconnect(c.m);
        mosquitto_loop(c.m, 10, 1);
        mosquitto_destroy(c.m);
    }
    mosquitto_lib_cleanup();
    const double window = std::min(took, seconds);
    std::printf("{\"sent\":%lld,\"seconds\":%.3f,\"rate\":%.1f,\"connections\":%zu,\"qos\":%d,\"ended\":%d}\n",
                sent.load(), window, window > 0 ? sent.load() / window : 0.0, chargers.size(), qos, ended.load());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "kw-bench-mqtt-flood: %s\n", e.what());
    return 1;
}
