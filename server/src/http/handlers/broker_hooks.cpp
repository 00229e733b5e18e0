// EMQX 5 HTTP authentication and authorization hooks. EMQX posts {username, password, clientid} and
// {username, clientid, topic, action} and reads {"result":"allow"|"deny"}. The routes exist only
// when mqtt.hook_secret is set (else 404); since handlers see no headers, EMQX passes the secret as
// ?secret=. Chargers get the same rules as the Mosquitto role (device/mqtt/dynsec.hpp): client id =
// code, publish under kw/v1/<code>/, subscribe to kw/v1/<code>/cmd. The OCPP edge's account (when
// mqtt.edge_password is set) publishes kw/v1/<code>/pending and subscribes to kw/edge/approval/+.
// The server's account is a superuser, and that is decided by authentication alone: its username
// AND its configured password (EMQX then skips authorization for the connection). A username alone
// proves nothing, so the ACL hook grants the server's username nothing, and a charger whose code is
// reserved (the server's username in any case, created before codes were checked) never
// authenticates: its password must never open the server's account.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "device/mqtt/dynsec.hpp"
#include "device/mqtt/topics.hpp"
#include "domain/error.hpp"
#include "domain/validate.hpp"
#include "http/handlers/handlers.hpp"
#include "service/chargers.hpp"
#include "service/network.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

bool same(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void require_secret(const Call& call) {
    const std::string& secret = call.ctx.config.mqtt.hook_secret;
    if (secret.empty()) throw Error(Errc::not_found, "no such endpoint: " + call.req.path);
    auto it = call.req.query.find("secret");
    if (it == call.req.query.end() || !same(it->second, secret))
        throw Error(Errc::unauthorized, "missing or wrong hook secret");
}

std::string text(const json::object& body, const char* field) {
    const json::value* v = body.if_contains(field);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// A code a charger may authenticate with: well formed and not one of the server's own names.
bool is_charger_code(const app::Config& config, const std::string& s) {
    try {
        domain::validate_charger_code(s);
        domain::check_charger_code_not_reserved(s, config.mqtt.username, config.mqtt.client_id);
        return true;
    } catch (const Error&) {
        return false;
    }
}

// The OCPP edge's account, when one is configured (mqtt.edge_password).
bool is_edge(const app::Config& config, const std::string& username) {
    return !config.mqtt.edge_password.empty() && same(username, config.mqtt.edge_username);
}

Response result(bool allow, bool superuser = false) {
    json::object o{{"result", allow ? "allow" : "deny"}};
    if (allow) o["is_superuser"] = superuser;
    return json_response(o);
}

}  // namespace

Response broker_auth(Call& call) {
    require_secret(call);
    auto body = parse_object(call.req.body);
    const std::string username = text(body, "username");
    const std::string password = text(body, "password");
    const std::string clientid = text(body, "clientid");
    const auto& mqtt = call.ctx.config.mqtt;
    if (!mqtt.password.empty() && same(username, mqtt.username) && same(password, mqtt.password))
        return result(true, true);
    if (is_edge(call.ctx.config, username)) return result(same(password, mqtt.edge_password));
    bool allow = false;
    if (is_charger_code(call.ctx.config, username) && clientid == username) {
        auto row = service::find_charger_by_code(call.ctx, username);
        allow = row && service::verify_mqtt_password(row->mqtt_password_hash, password);
    }
    if (!allow) spdlog::info("event=broker_auth_denied username={} clientid={}", username, clientid);
    return result(allow);
}

Response broker_acl(Call& call) {
    require_secret(call);
    auto body = parse_object(call.req.body);
    const std::string username = text(body, "username");
    const std::string clientid = text(body, "clientid");
    const std::string topic = text(body, "topic");
    const std::string action = text(body, "action");
    if (action != "publish" && action != "subscribe")
        throw Error(Errc::bad_request, "field 'action' must be publish or subscribe");
    // The server's account needs no rule here: authentication made it a superuser.
    if (is_edge(call.ctx.config, username)) {
        // Announces the charge points it holds for approval; hears the approvals (docs/ocpp.md).
        auto pending = device::mqtt::parse_topic(topic);
        if (action == "publish") return result(pending && pending->kind == "pending");
        return result(topic == "kw/edge/approval/+");
    }
    if (!is_charger_code(call.ctx.config, username) || clientid != username) return result(false);
    auto kind =
        action == "publish" ? device::mqtt::TopicAction::publish : device::mqtt::TopicAction::subscribe;
    if (!device::mqtt::charger_topic_allowed(username, topic, kind)) return result(false);
    return result(service::find_charger_by_code(call.ctx, username).has_value());
}

}  // namespace kw::http::handlers
