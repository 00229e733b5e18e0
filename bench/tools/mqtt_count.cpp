// kw-bench-mqtt-count: a bare libmosquitto subscriber that only counts messages, the baseline a
// server's ingest rate is compared with (what Mosquitto alone delivers to a client doing nothing).
//   kw-bench-mqtt-count --port P [--user U --password W] [--topic kw/v1/+/meter] [--qos 0|1]
//                       [--seconds 60] [--idle 2] [--ready-file F] [--receive-max 1000]
// MQTT 5 with --receive-max QoS 1 messages in flight (0: MQTT 3.1.1, the broker's
// max_inflight_messages), by default the server's own window (mqtt.receive_maximum).
// Prints one progress line a second on stderr and a JSON summary on stdout:
//   {"received":N,"first_s":..,"last_s":..,"rate":N/(last-first)}
// It stops after --seconds, or --idle seconds without a message once messages arrived.
#include <mosquitto.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <fmt/format.h>

#include "bench_mqtt.hpp"

namespace {

struct Counter {
    std::string topic;
    int qos = 0;
    long long received = 0;
    double first = 0, last = 0;
    bool subscribed = false;
    int connect_rc = -1;
};

void on_connect(mosquitto* m, void* obj, int rc) {
    auto* c = static_cast<Counter*>(obj);
    c->connect_rc = rc;
    if (rc == 0) mosquitto_subscribe(m, nullptr, c->topic.c_str(), c->qos);
}
void on_subscribe(mosquitto*, void* obj, int, int, const int*) { static_cast<Counter*>(obj)->subscribed = true; }
void on_message(mosquitto*, void* obj, const mosquitto_message*) {
    auto* c = static_cast<Counter*>(obj);
    const double t = kw::bench::now_s();
    if (c->received++ == 0) c->first = t;
    c->last = t;
}

}  // namespace

int main(int argc, char** argv) try {
    using kw::bench::arg;
    const auto args = kw::bench::parse_args(argc, argv);
    Counter c;
    c.topic = arg(args, "topic", "kw/v1/+/meter");
    c.qos = std::stoi(arg(args, "qos", "0"));
    const double seconds = std::stod(arg(args, "seconds", "60"));
    const double idle = std::stod(arg(args, "idle", "2"));
    const std::string ready_file = arg(args, "ready-file", "");

    mosquitto_lib_init();
    mosquitto* m = kw::bench::connect_client(arg(args, "client-id", fmt::format("kw-bench-count-{}", ::getpid())),
                                             arg(args, "user", ""), arg(args, "password", ""),
                                             arg(args, "host", "127.0.0.1"), std::stoi(arg(args, "port", "1883")), &c,
                                             // the server's window (mqtt.receive_maximum), so both get the same
                                             std::stoi(arg(args, "receive-max", "1000")));
    mosquitto_connect_callback_set(m, on_connect);
    mosquitto_subscribe_callback_set(m, on_subscribe);
    mosquitto_message_callback_set(m, on_message);

    const double start = kw::bench::now_s();
    double next_report = start + 1;
    long long reported = 0;
    bool ready_written = false;
    while (true) {
        const int rc = mosquitto_loop(m, 100, 1000);
        if (rc != MOSQ_ERR_SUCCESS) throw std::runtime_error(std::string("loop: ") + mosquitto_strerror(rc));
        if (c.connect_rc > 0) throw std::runtime_error(fmt::format("connection refused ({})", c.connect_rc));
        const double t = kw::bench::now_s();
        if (c.subscribed && !ready_written && !ready_file.empty()) {
            std::ofstream(ready_file) << "ready\n";
            ready_written = true;
        }
        if (t >= next_report) {
            std::fprintf(stderr, "kw-bench-mqtt-count: %lld messages/s (total %lld)\n", c.received - reported,
                         c.received);
            reported = c.received;
            next_report += 1;
        }
        if (t - start >= seconds) break;
        if (c.received > 0 && t - c.last >= idle) break;
    }
    const double span = c.last - c.first;
    std::printf("{\"received\":%lld,\"span_s\":%.3f,\"rate\":%.1f,\"qos\":%d}\n", c.received, span,
                span > 0 ? (c.received - 1) / span : 0.0, c.qos);
    mosquitto_disconnect(m);
    mosquitto_destroy(m);
    mosquitto_lib_cleanup();
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "kw-bench-mqtt-count: %s\n", e.what());
    return 1;
}
