#pragma once
// Shared bits of the two MQTT load tools: argument parsing, a monotonic clock, libmosquitto setup.
#include <chrono>
#include <map>
#include <string>

struct mosquitto;

namespace kw::bench {

// "--key value" pairs; a flag without a value gets "1".
std::map<std::string, std::string> parse_args(int argc, char** argv);
std::string arg(const std::map<std::string, std::string>& args, const std::string& key, const std::string& fallback);

inline double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// A new MQTT 3.1.1 client, connected (blocking) to host:port; throws std::runtime_error on failure.
mosquitto* connect_client(const std::string& client_id, const std::string& user, const std::string& password,
                          const std::string& host, int port, void* userdata);

}  // namespace kw::bench
