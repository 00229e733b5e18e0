#include "ws/protocol.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "domain/json_text.hpp"

namespace kw::ws {
namespace json = boost::json;

namespace {

ClientOp invalid(std::string error, std::string channel = {}) {
    ClientOp op;
    op.error = std::move(error);
    op.channel = std::move(channel);
    return op;
}

}  // namespace

ClientOp parse_client_message(std::string_view text) {
    json::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec) return invalid("message is not valid JSON");
    const json::object* object = value.if_object();
    if (!object) return invalid("message must be a JSON object");
    const json::value* op_value = object->if_contains("op");
    const json::string* op = op_value ? op_value->if_string() : nullptr;
    if (!op) return invalid("\"op\" must be a string");

    if (*op == "ping") {
        ClientOp result;
        result.kind = ClientOp::Kind::ping;
        return result;
    }
    if (*op != "subscribe" && *op != "unsubscribe") return invalid("unknown op \"" + std::string(*op) + "\"");

    const json::value* channel_value = object->if_contains("channel");
    const json::string* channel = channel_value ? channel_value->if_string() : nullptr;
    if (!channel || channel->empty()) return invalid("\"channel\" must be a non-empty string");
    if (channel->size() > kMaxChannelLength) return invalid("\"channel\" is too long");

    ClientOp result;
    result.kind = *op == "subscribe" ? ClientOp::Kind::subscribe : ClientOp::Kind::unsubscribe;
    result.channel = std::string(*channel);
    return result;
}

std::string subscribed_message(const std::string& channel) {
    return domain::to_json(json::object{{"op", "subscribed"}, {"channel", channel}});
}

std::string unsubscribed_message(const std::string& channel) {
    return domain::to_json(json::object{{"op", "unsubscribed"}, {"channel", channel}});
}

std::string pong_message() { return R"({"op":"pong"})"; }

std::string error_message(const std::string& channel, std::string_view code, std::string_view message) {
    json::object object{{"op", "error"}};
    if (!channel.empty()) object["channel"] = channel;
    object["code"] = code;
    object["message"] = message;
    return domain::to_json(object);
}

}  // namespace kw::ws
