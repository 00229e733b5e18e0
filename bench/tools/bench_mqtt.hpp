#pragma once
// Shared bit of the two MQTT load tools: libmosquitto setup (arguments and clock: args.hpp).
#include <string>

#include "args.hpp"

struct mosquitto;

namespace kw::bench {

// A new MQTT 3.1.1 client, connected (blocking) to host:port; throws std::runtime_error on failure.
mosquitto* connect_client(const std::string& client_id, const std::string& user, const std::string& password,
                          const std::string& host, int port, void* userdata);

}  // namespace kw::bench
