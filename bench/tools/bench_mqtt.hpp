#pragma once
// Shared bit of the two MQTT load tools: libmosquitto setup (arguments and clock: args.hpp).
#include <string>

#include "args.hpp"

struct mosquitto;

namespace kw::bench {

// A new client, connected (blocking) to host:port; throws std::runtime_error on failure. MQTT 3.1.1,
// or MQTT 5 with that receive maximum when receive_maximum > 0.
mosquitto* connect_client(const std::string& client_id, const std::string& user, const std::string& password,
                          const std::string& host, int port, void* userdata, int receive_maximum = 0);

}  // namespace kw::bench
