// Authorize: the idToken (any type but Kilowatt's own order tokens and NoAuthorization) is checked
// by the core as a 1.6 idTag is (kw-mqtt/1 `authorize`, answered `authorize_result`); the answer's
// status is 2.0.1's AuthorizationStatus of the same name, with the card's expiry as
// cacheExpiryDateTime and its holder's group (every card of one driver) as groupIdToken. Not answered in time: Accepted only for a token the core accepted in the last
// day, else Unknown.
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "v16/station.hpp"
#include "v201/station.hpp"

namespace kw::ocpp::v201 {

namespace json = boost::json;

void Station::authorize(const Call& call) {
    const json::object& token = call.payload.as_object().at("idToken").as_object();
    const std::string id_token(token.at("idToken").as_string());
    const std::string_view type = token.at("type").as_string();
    if (order_from_tag(id_token) || type == "NoAuthorization")
        return answer(call.id, json::object{{"idTokenInfo", {{"status", "Accepted"}}}});
    const std::string corr = "a" + std::to_string(next_id_++);
    authorizes_waiting_[corr] = Waiting{call.id, io_.now() + settings_.authorize_answer_ms};
    authorize_tags_[corr] = id_token;
    io_.publish("authorize", json::serialize(json::object{{"corr", corr}, {"id_tag", id_token}}), 1);
}

void Station::authorize_result(const json::object& cmd) {
    const std::string corr(cmd.at("corr").as_string());
    auto waiting = authorizes_waiting_.find(corr);
    if (waiting == authorizes_waiting_.end()) return;
    const std::string_view status = cmd.at("status").as_string();
    json::object info{{"status", v16::ocpp_id_tag_status(status)}};
    if (const auto* expires = cmd.if_contains("expires_at"); expires && expires->is_string())
        info["cacheExpiryDateTime"] = *expires;
    // The card holder's group: every card of one driver (a transaction may be stopped with another).
    if (const auto* group = cmd.if_contains("group"); group && group->is_string())
        info["groupIdToken"] = json::object{{"idToken", *group}, {"type", "Central"}};
    if (status == "accepted") accepted_tags_[authorize_tags_[corr]] = io_.now();
    answer(waiting->second.message_id, json::object{{"idTokenInfo", info}});
    authorizes_waiting_.erase(waiting);
    authorize_tags_.erase(corr);
}

}  // namespace kw::ocpp::v201
