#include "bench_mqtt.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <stdexcept>

namespace kw::bench {

mosquitto* connect_client(const std::string& client_id, const std::string& user, const std::string& password,
                          const std::string& host, int port, void* userdata, int receive_maximum) {
    mosquitto* m = mosquitto_new(client_id.c_str(), true, userdata);
    if (!m) throw std::runtime_error("mosquitto_new failed");
    // Unlimited in-flight QoS 1 messages: the tool paces itself; the broker's limits are what we measure.
    mosquitto_int_option(m, MOSQ_OPT_SEND_MAXIMUM, 65535);
    mosquitto_max_inflight_messages_set(m, 0);
    if (receive_maximum > 0) {  // MQTT 5, announcing how many QoS 1 messages may be in flight to us
        mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
        mosquitto_int_option(m, MOSQ_OPT_RECEIVE_MAXIMUM, receive_maximum);
    }
    if (!user.empty()) mosquitto_username_pw_set(m, user.c_str(), password.c_str());
    const int rc = mosquitto_connect(m, host.c_str(), port, 60);
    if (rc != MOSQ_ERR_SUCCESS) {
        mosquitto_destroy(m);
        throw std::runtime_error("connect " + client_id + ": " + mosquitto_strerror(rc));
    }
    return m;
}

}  // namespace kw::bench
