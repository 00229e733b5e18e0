#include "device/mqtt/mqtt_commands.hpp"

#include <boost/json.hpp>

#include "device/mqtt/correlation.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/json_text.hpp"

namespace kw::device::mqtt {

namespace {

namespace json = boost::json;

}  // namespace

std::optional<json::object> format_command(const Command& command) {
    const std::optional<CommandId> id = command_id(command);
    const std::string corr = id ? correlation_id(*id) : std::string();
    return std::visit(
        Overloaded{
            [&](const StartCommand& c) -> std::optional<json::object> {
                return json::object{{"cmd", "start"},
                                    {"corr", corr},
                                    {"connector", c.connector},
                                    {"order_id", c.order_id},
                                    {"ts", format_utc(c.at)}};
            },
            [&](const StopCommand& c) -> std::optional<json::object> {
                json::object o{{"cmd", "stop"},
                               {"corr", corr},
                               {"connector", c.connector},
                               {"order_id", c.order_id},
                               {"reason", c.reason}};
                if (c.tx_id) o["tx_id"] = *c.tx_id;
                return o;
            },
            [](const BootAccepted& c) -> std::optional<json::object> {
                json::object o{{"cmd", "boot_result"},
                               {"status", "accepted"},
                               {"heartbeat_s", c.heartbeat_s},
                               {"server_time", format_utc(c.server_time)}};
                if (c.meter_interval_s > 0) o["meter_interval_s"] = c.meter_interval_s;
                return o;
            },
            [](const TransactionEventAck& c) -> std::optional<json::object> {
                json::object o{{"cmd", "tx_ack"}, {"tx_id", c.tx_id}, {"seq", c.seq}};
                if (!c.card_status.empty()) {
                    o["order_id"] = c.order_id;
                    o["card_status"] = c.card_status;
                }
                return o;
            },
            // Not a charger's command: MqttCommands::send publishes it to the edges' approval topic.
            [](const StationApproved& c) -> std::optional<json::object> {
                return json::object{{"password", c.password}};
            },
            [](const AuthorizeResult& c) -> std::optional<json::object> {
                json::object o{{"cmd", "authorize_result"}, {"corr", c.corr}, {"id_tag", c.id_tag}, {"status", c.status}};
                if (c.expires_at) o["expires_at"] = format_utc(*c.expires_at);
                // Every card of one driver is in one group: OCPP's parentIdTag / groupIdToken, so a
                // session started with one card may be stopped with another of the same driver.
                if (c.driver_id > 0) o["group"] = "KW-D" + std::to_string(c.driver_id);
                return o;
            },
            [&](const ResetCommand& c) -> std::optional<json::object> {
                json::object o{{"cmd", "reset"}, {"corr", corr}, {"hard", c.hard}};
                if (c.connector > 0) o["connector"] = c.connector;
                return o;
            },
            [&](const UnlockCommand& c) -> std::optional<json::object> {
                return json::object{{"cmd", "unlock"}, {"corr", corr}, {"connector", c.connector}};
            },
            [&](const ChangeAvailabilityCommand& c) -> std::optional<json::object> {
                return json::object{{"cmd", "change_availability"},
                                    {"corr", corr},
                                    {"connector", c.connector},
                                    {"operative", c.operative}};
            },
            [&](const GetConfigurationCommand& c) -> std::optional<json::object> {
                json::array keys;
                for (const auto& k : c.keys) keys.emplace_back(k);
                return json::object{{"cmd", "get_configuration"}, {"corr", corr}, {"keys", std::move(keys)}};
            },
            [&](const SetConfigurationCommand& c) -> std::optional<json::object> {
                return json::object{{"cmd", "set_configuration"}, {"corr", corr}, {"key", c.key}, {"value", c.value}};
            },
            [&](const TriggerMessageCommand& c) -> std::optional<json::object> {
                return json::object{
                    {"cmd", "trigger_message"}, {"corr", corr}, {"message", c.message}, {"connector", c.connector}};
            },
            [&](const ClearCacheCommand&) -> std::optional<json::object> {
                return json::object{{"cmd", "clear_cache"}, {"corr", corr}};
            },
            [&](const SendLocalListCommand& c) -> std::optional<json::object> {
                json::array entries;
                for (const auto& e : c.entries) {
                    json::object o{{"id_tag", e.id_tag}, {"status", e.status}};
                    if (e.expires_at) o["expires_at"] = format_utc(*e.expires_at);
                    entries.push_back(std::move(o));
                }
                return json::object{{"cmd", "send_local_list"},
                                    {"corr", corr},
                                    {"update_type", c.differential ? "differential" : "full"},
                                    {"list_version", c.list_version},
                                    {"entries", std::move(entries)}};
            },
            [&](const GetLocalListVersionCommand&) -> std::optional<json::object> {
                return json::object{{"cmd", "get_local_list_version"}, {"corr", corr}};
            },
        },
        command);
}

Delivery MqttCommands::send(const std::string& code, const Command& command) {
    std::optional<json::object> cmd = format_command(command);
    if (!cmd) return Delivery::not_supported;
    if (std::holds_alternative<StationApproved>(command)) {
        client_.publish(approval_topic(code), domain::to_json(*cmd), 1);
        return Delivery::queued;
    }
    std::string corr;
    if (auto it = cmd->find("corr"); it != cmd->end()) corr = it->value().as_string();
    client_.publish(command_topic(code), domain::to_json(*cmd), 1, false, corr,
                    corr.empty() ? std::string() : ack_topic(code));
    return Delivery::queued;
}

}  // namespace kw::device::mqtt
