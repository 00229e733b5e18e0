#include "device/mqtt/dynsec.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <algorithm>
#include <cctype>
#include <random>
#include <thread>

#include "domain/error.hpp"
#include "domain/json_text.hpp"

namespace kw::device::mqtt {

namespace json = boost::json;

namespace {

json::object acl(const char* type, std::string topic) {
    return {{"acltype", type}, {"topic", std::move(topic)}, {"allow", true}};
}

std::string error_of(const DynsecAccounts::Answer& a) {
    auto it = a.find("error");
    if (it == a.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

[[noreturn]] void refused(const std::string& what, const std::string& error) {
    spdlog::warn("event=dynsec_refused action={} error=\"{}\"", what, error);
    throw Error(Errc::unavailable, "broker refused " + what + ": " + error);
}

}  // namespace

bool charger_topic_allowed(std::string_view code, std::string_view topic, TopicAction action) {
    if (code.empty()) return false;
    std::string base = "kw/v1/" + std::string(code);
    if (action == TopicAction::subscribe) return topic == base + "/cmd";
    if (topic.find_first_of("+#") != std::string_view::npos) return false;
    return topic == base || topic.substr(0, base.size() + 1) == base + "/";
}

std::string charger_role_name(std::string_view code) { return "kw-charger-" + std::string(code); }

json::array charger_role_acls(std::string_view code) {
    std::string base = "kw/v1/" + std::string(code);
    return {acl("publishClientSend", base + "/#"), acl("subscribeLiteral", base + "/cmd"),
            acl("publishClientReceive", base + "/cmd")};
}

json::array server_role_acls() {
    return {acl("publishClientSend", "kw/#"), acl("subscribePattern", "kw/#"),
            acl("subscribePattern", "$share/+/kw/#"), acl("publishClientReceive", "kw/#")};
}

DynsecAccounts::DynsecAccounts(kw::mqtt::MqttClient& client, std::chrono::milliseconds timeout)
    : client_(client), timeout_(timeout) {
    std::random_device rd;
    prefix_ = "kw-" + std::to_string(rd()) + "-" + std::to_string(rd());
}

void DynsecAccounts::on_response(const kw::mqtt::Message& m) {
    json::error_code ec;
    json::value v = json::parse(m.payload, ec);
    if (ec || !v.is_object()) return;
    const json::value* responses = v.as_object().if_contains("responses");
    if (!responses || !responses->is_array()) return;
    bool matched = false;
    {
        std::lock_guard lock(mu_);
        for (const json::value& r : responses->get_array()) {
            if (!r.is_object()) continue;
            const json::value* corr = r.as_object().if_contains("correlationData");
            if (!corr || !corr->is_string()) continue;
            auto it = pending_.find(std::string(corr->get_string()));
            if (it == pending_.end()) continue;  // another instance's command
            it->second = r.as_object();
            matched = true;
        }
    }
    if (matched) cv_.notify_all();
}

std::vector<DynsecAccounts::Answer> DynsecAccounts::run(json::array commands,
                                                        std::optional<std::chrono::milliseconds> timeout) {
    if (!client_.connected()) throw Error(Errc::unavailable, "MQTT broker is not connected");
    std::vector<std::string> ids;
    {
        std::lock_guard lock(mu_);
        for (json::value& c : commands) {
            std::string id = prefix_ + "-" + std::to_string(++next_);
            c.as_object()["correlationData"] = id;
            pending_.emplace(id, std::nullopt);
            ids.push_back(id);
        }
    }
    client_.publish(kDynsecTopic, domain::to_json(json::object{{"commands", std::move(commands)}}), 1);
    std::unique_lock lock(mu_);
    auto all_answered = [&] {
        for (const std::string& id : ids)
            if (!pending_.at(id)) return false;
        return true;
    };
    // Answers are published once: if the connection drops meanwhile they are lost, so stop waiting
    // (this also lets a shutdown, which disconnects first, end promptly).
    const auto deadline = std::chrono::steady_clock::now() + timeout.value_or(timeout_);
    bool answered = false, lost = false;
    while (!(answered = all_answered()) && std::chrono::steady_clock::now() < deadline) {
        if (!client_.connected()) {
            lost = true;
            break;
        }
        cv_.wait_until(lock,
                       std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
    }
    std::vector<Answer> out;
    for (const std::string& id : ids) {
        auto node = pending_.extract(id);
        if (node.mapped()) out.push_back(std::move(*node.mapped()));
    }
    if (!answered) {
        if (lost) throw Error(Errc::unavailable, "the connection to the MQTT broker was lost");
        spdlog::warn("event=dynsec_timeout timeout_ms={}", timeout.value_or(timeout_).count());
        throw Error(Errc::unavailable, "the broker did not answer the dynamic-security command in time");
    }
    return out;
}

namespace {

// Whether a getClient answer lists the role.
bool lists_role(const DynsecAccounts::Answer& answer, std::string_view role) {
    const json::value* data = answer.if_contains("data");
    const json::value* client = data && data->is_object() ? data->as_object().if_contains("client") : nullptr;
    const json::value* roles =
        client && client->is_object() ? client->as_object().if_contains("roles") : nullptr;
    if (!roles || !roles->is_array()) return false;
    for (const json::value& r : roles->get_array()) {
        const json::value* name = r.is_object() ? r.as_object().if_contains("rolename") : nullptr;
        if (name && name->is_string() && name->get_string() == role) return true;
    }
    return false;
}

}  // namespace

bool DynsecAccounts::setup(const std::string& server_username) {
    {
        std::lock_guard lock(mu_);
        server_username_ = server_username;
    }
    client_.subscribe(kDynsecResponseTopic, 1);
    const json::object get_client{{"command", "getClient"}, {"username", server_username}};
    auto first =
        run({json::object{{"command", "createRole"}, {"rolename", kServerRole}, {"acls", server_role_acls()}},
             get_client});
    std::string role_error = error_of(first.at(0));
    if (role_error == "Role already exists") {
        // Brings an older role up to date; connected clients keep their connection.
        auto answer = run({json::object{
            {"command", "modifyRole"}, {"rolename", kServerRole}, {"acls", server_role_acls()}}});
        if (std::string e = error_of(answer.at(0)); !e.empty())
            refused("modifyRole " + std::string(kServerRole), e);
    } else if (!role_error.empty()) {
        refused("createRole " + std::string(kServerRole), role_error);
    }
    if (std::string e = error_of(first.at(1)); !e.empty()) refused("getClient " + server_username, e);
    if (lists_role(first.at(1), kServerRole)) {
        spdlog::info("event=dynsec_setup server_username={} role={} role_added=false", server_username,
                     kServerRole);
        return false;
    }

    // Mosquitto 2.0 disconnects every connection of a client whose roles change, and this account is
    // the one asking: the answer may be lost or come back as "Internal error". Trust getClient instead.
    std::string add_error;
    try {
        add_error = error_of(
            run({json::object{
                    {"command", "addClientRole"}, {"username", server_username}, {"rolename", kServerRole}}})
                .at(0));
    } catch (const Error& e) {
        add_error = e.what();
    }
    // Ask again, briefly each time, until the reconnected account gets an answer.
    const auto deadline = std::chrono::steady_clock::now() + 2 * timeout_;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!client_.connected()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        try {
            auto check = run({get_client},
                             std::min<std::chrono::milliseconds>(timeout_, std::chrono::milliseconds(500)));
            if (lists_role(check.at(0), kServerRole)) {
                spdlog::info("event=dynsec_setup server_username={} role={} role_added=true", server_username,
                             kServerRole);
                return true;
            }
            break;  // a definite answer without the role
        } catch (const Error&) {
            // The connection was being replaced: ask again.
        }
    }
    refused("addClientRole " + std::string(kServerRole), add_error.empty() ? "role not given" : add_error);
}

void DynsecAccounts::setup_edge(const std::string& username, const std::string& password) {
    constexpr const char* kEdgeRole = "kw-ocpp-edge";
    const json::array acls{acl("publishClientSend", "kw/v1/+/pending"), acl("subscribePattern", "kw/edge/approval/+"),
                           acl("publishClientReceive", "kw/edge/approval/#")};
    const json::object get_client{{"command", "getClient"}, {"username", username}};
    auto first = run({json::object{{"command", "createRole"}, {"rolename", kEdgeRole}, {"acls", acls}}, get_client});
    if (std::string e = error_of(first.at(0)); e == "Role already exists") {
        auto answer = run({json::object{{"command", "modifyRole"}, {"rolename", kEdgeRole}, {"acls", acls}}});
        if (std::string m = error_of(answer.at(0)); !m.empty()) refused("modifyRole kw-ocpp-edge", m);
    } else if (!e.empty()) {
        refused("createRole kw-ocpp-edge", e);
    }
    if (!error_of(first.at(1)).empty()) {  // no such client yet
        auto answer = run({json::object{{"command", "createClient"},
                                        {"username", username},
                                        {"password", password},
                                        {"roles", json::array{json::object{{"rolename", kEdgeRole}}}}}});
        if (std::string e = error_of(answer.at(0)); !e.empty()) refused("createClient " + username, e);
    } else {
        json::array commands{json::object{{"command", "setClientPassword"}, {"username", username}, {"password", password}}};
        // Giving a role disconnects the client's connections (Mosquitto 2.0): only when it lacks it.
        if (!lists_role(first.at(1), kEdgeRole))
            commands.push_back(json::object{{"command", "addClientRole"}, {"username", username}, {"rolename", kEdgeRole}});
        for (const auto& a : run(std::move(commands)))
            if (std::string e = error_of(a); !e.empty()) refused("edge account " + username, e);
    }
    spdlog::info("event=dynsec_edge_account username={}", username);
}

namespace {

// A broker client is one of our chargers when it holds exactly its own charger role (and no group):
// that is how upsert_charger creates it, and nobody but an admin of the broker can give a client a
// kw-charger-* role. Anything else (the server's account, the dynsec admin, an operator's client)
// must never be modified or deleted through a charger.
bool is_our_charger(const DynsecAccounts::Answer& answer, std::string_view code) {
    const json::value* data = answer.if_contains("data");
    const json::value* client = data && data->is_object() ? data->as_object().if_contains("client") : nullptr;
    if (!client || !client->is_object()) return false;
    const json::value* roles = client->as_object().if_contains("roles");
    const json::value* groups = client->as_object().if_contains("groups");
    if (groups && groups->is_array() && !groups->get_array().empty()) return false;
    if (!roles || !roles->is_array() || roles->get_array().size() != 1) return false;
    return lists_role(answer, charger_role_name(code));
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string not_ours_message(const std::string& code) {
    return "the broker already has an account named '" + code +
           "' that is not a Kilowatt charger; choose another charger code";
}

}  // namespace

bool DynsecAccounts::is_server_account(const std::string& code) {
    std::lock_guard lock(mu_);
    return !server_username_.empty() && iequals(code, server_username_);
}

std::chrono::milliseconds DynsecAccounts::timeout_for(std::size_t n) const {
    // Measured on 2 shared cores: ~15 ms per save of a 1k-charger file, ~100 ms at 10k (it grows
    // with the file); allow 250 ms per command on top of the base timeout.
    return timeout_ + std::chrono::milliseconds(250) * static_cast<std::int64_t>(n);
}

std::vector<AccountRefusal> DynsecAccounts::upsert_chargers(std::span<const ChargerAccount> accounts) {
    std::vector<AccountRefusal> refusals;
    std::vector<const ChargerAccount*> todo;
    std::vector<bool> exists;
    json::array gets;
    for (const ChargerAccount& a : accounts) {
        if (is_server_account(a.code)) {
            spdlog::warn("event=dynsec_foreign_client code={} action=upsert", a.code);
            refusals.push_back({a.code, Error(Errc::conflict, not_ours_message(a.code))});
            continue;
        }
        todo.push_back(&a);
        gets.push_back(json::object{{"command", "getClient"}, {"username", a.code}});
    }
    if (todo.empty()) return refusals;
    // Look first: an existing client is changed only when it is one of our chargers.
    auto got = run(std::move(gets), timeout_for(todo.size()));
    std::vector<const ChargerAccount*> ours;
    json::array roles;
    for (std::size_t i = 0; i < todo.size(); ++i) {
        const std::string& code = todo[i]->code;
        std::string get_error = error_of(got.at(i));
        const bool found = get_error.empty();
        if (!found && get_error != "Client not found") refused("getClient " + code, get_error);
        if (found && !is_our_charger(got.at(i), code)) {
            spdlog::warn("event=dynsec_foreign_client code={} action=upsert", code);
            refusals.push_back({code, Error(Errc::conflict, not_ours_message(code))});
            continue;
        }
        ours.push_back(todo[i]);
        exists.push_back(found);
        roles.push_back(json::object{
            {"command", "createRole"}, {"rolename", charger_role_name(code)}, {"acls", charger_role_acls(code)}});
    }
    if (ours.empty()) return refusals;
    auto created = run(std::move(roles), timeout_for(ours.size()));
    json::array modify;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const std::string& code = ours[i]->code;
        std::string role_error = error_of(created.at(i));
        if (role_error == "Role already exists")
            modify.push_back(json::object{
                {"command", "modifyRole"}, {"rolename", charger_role_name(code)}, {"acls", charger_role_acls(code)}});
        else if (!role_error.empty())
            refused("createRole " + charger_role_name(code), role_error);
    }
    if (!modify.empty()) {
        const std::size_t n = modify.size();
        for (const Answer& a : run(std::move(modify), timeout_for(n)))
            if (std::string e = error_of(a); !e.empty()) refused("modifyRole", e);
    }
    json::array clients;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const std::string& code = ours[i]->code;
        clients.push_back(json::object{{"command", exists[i] ? "modifyClient" : "createClient"},
                                       {"username", code},
                                       {"password", ours[i]->password},
                                       {"clientid", code},
                                       {"textname", "Kilowatt charger"},
                                       {"roles", json::array{json::object{{"rolename", charger_role_name(code)}}}}});
    }
    auto answers = run(std::move(clients), timeout_for(ours.size()));
    std::size_t created_count = 0;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const std::string& code = ours[i]->code;
        std::string client_error = error_of(answers.at(i));
        // Created by someone else since getClient: not ours, leave it alone.
        if (!exists[i] && client_error == "Client already exists") {
            spdlog::warn("event=dynsec_foreign_client code={} action=upsert", code);
            refusals.push_back({code, Error(Errc::conflict, not_ours_message(code))});
            continue;
        }
        if (!client_error.empty())
            refused(std::string(exists[i] ? "modifyClient " : "createClient ") + code, client_error);
        created_count += exists[i] ? 0 : 1;
    }
    spdlog::info("event=dynsec_chargers_upserted count={} created={} refused={}", ours.size(), created_count,
                 refusals.size());
    return refusals;
}

void DynsecAccounts::remove_charger(const std::string& code) {
    const std::string role = charger_role_name(code);
    auto got = run({json::object{{"command", "getClient"}, {"username", code}}});
    std::string get_error = error_of(got.at(0));
    if (!get_error.empty() && get_error != "Client not found") refused("getClient " + code, get_error);
    json::array commands;
    if (get_error.empty()) {
        // A charger row whose code names someone else's account (created before codes were checked):
        // the row may go, the account stays.
        if (!is_server_account(code) && is_our_charger(got.at(0), code))
            commands.push_back(json::object{{"command", "deleteClient"}, {"username", code}});
        else
            spdlog::warn("event=dynsec_foreign_client_kept code={}", code);
    }
    commands.push_back(json::object{{"command", "deleteRole"}, {"rolename", role}});
    auto answers = run(std::move(commands));
    for (const Answer& a : answers) {
        std::string e = error_of(a);
        if (e.empty() || e == "Client not found" || e == "Role not found") continue;
        refused(std::string(a.at("command").as_string()) + " " + code, e);
    }
    spdlog::info("event=dynsec_charger_removed code={}", code);
}

}  // namespace kw::device::mqtt
