// libmosquitto's callbacks for MqttClient (client_impl.hpp). They run inside mosquitto_loop_*, on
// the executor, and hand messages and connection changes to the user's callbacks.
#include <mqtt_protocol.h>

#include <cstdlib>

#include "device/mqtt/client_impl.hpp"

namespace kw::mqtt {

void MqttClient::Impl::on_connect_cb(mosquitto*, void* obj, int rc, int /*flags*/, const mosquitto_property*) {
    auto* self = static_cast<Impl*>(obj);
    if (rc != 0) {
        std::string reason = self->opts_.protocol_version == 5 ? mosquitto_reason_string(rc)
                                                               : mosquitto_connack_string(rc);
        spdlog::warn("event=mqtt_connect_refused client_id={} user={} host={}:{} reason=\"{}\"",
                     self->opts_.client_id, self->opts_.username, self->opts_.host, self->opts_.port,
                     reason);
        // Refusals (bad credentials, banned) do not clear up in milliseconds: back off to the maximum.
        self->attempts_ = 16;
        self->invoke(self->on_refused_, rc);
        return;  // the broker closes the connection; after_io() sees it and schedules the retry
    }
    self->connected_ = true;
    self->attempts_ = 0;
    spdlog::debug("event=mqtt_connected client_id={} host={}:{}", self->opts_.client_id, self->opts_.host,
                  self->opts_.port);
    for (const auto& [pattern, qos] : self->subs_) {
        int src = mosquitto_subscribe(self->mosq_, nullptr, pattern.c_str(), qos);
        if (src != MOSQ_ERR_SUCCESS)
            spdlog::warn("event=mqtt_subscribe_failed client_id={} pattern={} rc={}",
                         self->opts_.client_id, pattern, error_string(src));
    }
    self->invoke(self->on_connected_);
}

void MqttClient::Impl::on_disconnect_cb(mosquitto*, void* obj, int rc, const mosquitto_property*) {
    auto* self = static_cast<Impl*>(obj);
    self->lost_ = true;
    // mosquitto has just closed (or is about to close) its socket: stop watching it right now.
    if (!self->opts_.dup_fd) self->detach();
    bool was_connected = self->connected_.exchange(false);
    if (!was_connected) return;
    if (rc == 0)
        spdlog::debug("event=mqtt_disconnected client_id={}", self->opts_.client_id);
    else
        spdlog::info("event=mqtt_connection_lost client_id={} host={}:{} rc=\"{}\"",
                     self->opts_.client_id, self->opts_.host, self->opts_.port, error_string(rc));
    self->invoke(self->on_disconnected_, rc);
}

void MqttClient::Impl::on_message_cb(mosquitto*, void* obj, const mosquitto_message* m,
                          const mosquitto_property* props) {
    auto* self = static_cast<Impl*>(obj);
    Message msg;
    msg.topic = m->topic ? m->topic : "";
    if (m->payload && m->payloadlen > 0)
        msg.payload.assign(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen));
    msg.qos = m->qos;
    msg.retain = m->retain;
    if (props) {
        void* data = nullptr;
        std::uint16_t len = 0;
        if (mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA, &data, &len, false) &&
            data) {
            msg.correlation_data.assign(static_cast<const char*>(data), len);
            std::free(data);
        }
        char* topic = nullptr;
        if (mosquitto_property_read_string(props, MQTT_PROP_RESPONSE_TOPIC, &topic, false) && topic) {
            msg.response_topic = topic;
            std::free(topic);
        }
    }
    self->invoke(self->on_message_, msg);
}

// Called on PUBACK/PUBCOMP for QoS>0, and when a QoS 0 message leaves the socket.
void MqttClient::Impl::on_publish_cb(mosquitto*, void* obj, int mid, int reason_code, const mosquitto_property*) {
    auto* self = static_cast<Impl*>(obj);
    if (self->pending_mids_.erase(mid)) {
        self->pending_count_ = static_cast<int>(self->pending_mids_.size());
        if (reason_code >= 0x80)
            spdlog::warn("event=mqtt_publish_rejected client_id={} mid={} reason=\"{}\"",
                         self->opts_.client_id, mid, mosquitto_reason_string(reason_code));
    }
}

}  // namespace kw::mqtt
