#pragma once
// Charger accounts in the broker.
//
// DynsecAccounts manages them in Mosquitto's dynamic-security plugin: JSON commands are published
// on $CONTROL/dynamic-security/v1 and the answers, which arrive on .../response, are matched by
// their correlationData. The server's MQTT account must be allowed to use that topic (the dynsec
// admin role). Mosquitto 2.0.11 does not expand %u/%c in dynsec ACLs, so every charger gets its own
// role "kw-charger-<code>" with literal topics (see charger_role_acls) and its client id bound to
// its code. upsert_charger/remove_charger/setup block the calling worker thread until the broker
// answers (or the timeout passes: kw::Error(unavailable)); never call them from the MqttClient's
// executor, which is where on_response must run. Thread-safe otherwise.
//
// NoBrokerAccounts is for mqtt.broker = emqx (the broker asks the /api/v1/broker/* hooks) or none.
//
// charger_topic_allowed states the charger role's rules as a predicate, for the EMQX ACL hook.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "device/broker_accounts.hpp"
#include "device/mqtt/client.hpp"

namespace kw::device::mqtt {

inline constexpr const char* kDynsecTopic = "$CONTROL/dynamic-security/v1";
inline constexpr const char* kDynsecResponseTopic = "$CONTROL/dynamic-security/v1/response";
inline constexpr const char* kServerRole = "kw-server";

enum class TopicAction { publish, subscribe };

// The charger `code` may publish on kw/v1/<code> and below, and subscribe to kw/v1/<code>/cmd only.
// Wildcards are refused for publish; the subscription must be exactly that topic.
bool charger_topic_allowed(std::string_view code, std::string_view topic, TopicAction action);

// "kw-charger-<code>" and its ACLs: publishClientSend kw/v1/<code>/#, subscribeLiteral and
// publishClientReceive kw/v1/<code>/cmd (everything else falls to the default: deny).
std::string charger_role_name(std::string_view code);
boost::json::array charger_role_acls(std::string_view code);
// kw-server: publishClientSend, subscribePattern and publishClientReceive kw/#, and
// subscribePattern $share/+/kw/# (Mosquitto 2.0.11 checks a shared subscription's ACL against the
// whole "$share/<group>/<filter>" text).
boost::json::array server_role_acls();

class DynsecAccounts final : public BrokerAccounts {
  public:
    explicit DynsecAccounts(kw::mqtt::MqttClient& client,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5));

    // Feed every message received on kDynsecResponseTopic here (any thread).
    void on_response(const kw::mqtt::Message& m);

    // Idempotent; call after every connect from a worker thread. Subscribes to the response topic,
    // creates (or refreshes) role kw-server and gives it to server_username, which must be a dynsec
    // client. Returns true when the account got the role just now: the broker refused the kw/...
    // subscriptions it made before, so make them again. Throws kw::Error(unavailable) when the
    // broker refuses or does not answer.
    bool setup(const std::string& server_username);
    // The OCPP edge's account (mqtt.edge_username / edge_password): role kw-ocpp-edge, which may
    // publish kw/v1/+/pending and subscribe to kw/edge/approval/+ (docs/ocpp.md). Creates the client
    // or brings its password and role up to date. Idempotent; after setup(); worker thread.
    void setup_edge(const std::string& username, const std::string& password);

    // For each account: creates role kw-charger-<code> and client <code> (client id <code>), or, when
    // the client exists and is one of our chargers (exactly that role, no group), refreshes the role's
    // ACLs and sets the password. A client that is not ours (the server's account, an operator's
    // client) is never touched: it comes back as a conflict refusal. Broker failures: kw::Error(unavailable).
    // A batch costs three or four $CONTROL messages whatever its size (getClient for all, createRole
    // for all, modifyRole for the roles that existed, create/modifyClient for all), but Mosquitto 2.0
    // still rewrites its JSON file once per changing command: see docs/operations.md.
    std::vector<AccountRefusal> upsert_chargers(std::span<const ChargerAccount> accounts) override;
    // Deletes the role and, when it is one of our chargers, the client (the broker disconnects it).
    // Missing ones are fine; someone else's client is kept.
    void remove_charger(const std::string& code) override;

    // One answer of the plugin: {"command", "error" (absent when it worked), "data", ...}.
    using Answer = boost::json::object;
    // Sends the commands in one message and waits for every answer, in order (up to timeout, default:
    // the constructor's).
    std::vector<Answer> run(boost::json::array commands,
                            std::optional<std::chrono::milliseconds> timeout = {});

  private:
    // Whether code is the server's own username (known after setup), in any case: that account is
    // never changed or deleted through a charger, whatever the broker says about it.
    bool is_server_account(const std::string& code);
    // How long a message of n commands may take: the broker saves its file after each change.
    std::chrono::milliseconds timeout_for(std::size_t n) const;

    kw::mqtt::MqttClient& client_;
    std::chrono::milliseconds timeout_;
    std::string prefix_;  // random per instance: several servers share the response topic
    std::mutex mu_;
    std::condition_variable cv_;
    std::uint64_t next_ = 0;
    std::map<std::string, std::optional<Answer>> pending_;  // correlationData -> answer
    std::string server_username_;                           // from setup()
};

class NoBrokerAccounts final : public BrokerAccounts {
  public:
    std::vector<AccountRefusal> upsert_chargers(std::span<const ChargerAccount>) override { return {}; }
    void remove_charger(const std::string&) override {}
};

}  // namespace kw::device::mqtt
