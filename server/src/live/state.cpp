#include "live/state.hpp"

#include <charconv>

#include "domain/json_text.hpp"
#include "live/redis.hpp"

namespace kw::live {

namespace {

std::int64_t to_int(const std::string& s) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

double to_double(const std::string& s) {
    try {
        return s.empty() ? 0.0 : std::stod(s);
    } catch (const std::exception&) {
        return 0.0;
    }
}

// The reads below ask with HMGET for the fields they use, in this order (a hash's other fields are
// not sent back). A field the hash lacks comes back nil, read as empty: as if never written.
const std::vector<std::string> kConnectorFields = {"status", "power_w", "energy_wh", "voltage_v", "current_a",
                                                   "soc",    "at",      "order_id",  "tx_id"};
const std::vector<std::string> kChargerFields = {"last_seen", "boot_id", "station_id", "clock_offset_ms"};

std::vector<std::string> hmget(const std::string& key, const std::vector<std::string>& names) {
    std::vector<std::string> cmd = {"HMGET", key};
    cmd.insert(cmd.end(), names.begin(), names.end());
    return cmd;
}

// The i-th value of an HMGET reply ("" for a missing field).
const std::string& value(const RedisReply& reply, std::size_t i) {
    static const std::string none;
    return i < reply.elements.size() ? reply.elements[i].str : none;
}

// A connector from the reply to HMGET conn:<code>:<n> kConnectorFields.
ConnectorLive connector_from(const RedisReply& hmget) {
    ConnectorLive c;
    if (!value(hmget, 0).empty()) c.status = value(hmget, 0);
    c.power_w = to_int(value(hmget, 1));
    c.energy_wh = to_int(value(hmget, 2));
    c.voltage_v = to_double(value(hmget, 3));
    c.current_a = to_double(value(hmget, 4));
    if (!value(hmget, 5).empty()) c.soc = to_int(value(hmget, 5));
    c.at = to_int(value(hmget, 6));
    c.order_id = to_int(value(hmget, 7));
    c.tx_id = value(hmget, 8);
    return c;
}

// A charger from the replies to EXISTS online:<code> and HMGET charger:<code> kChargerFields.
ChargerLive charger_from(const RedisReply& online, const RedisReply& hmget) {
    ChargerLive out;
    out.online = online.integer == 1;
    out.last_seen = to_int(value(hmget, 0));
    out.boot_id = value(hmget, 1);
    out.station_id = to_int(value(hmget, 2));
    if (!value(hmget, 3).empty()) out.clock_offset_ms = to_int(value(hmget, 3));
    return out;
}

}  // namespace

ChargerLive LiveState::charger(const std::string& code) {
    auto replies = redis_.pipeline({{"EXISTS", key("online", code)}, hmget(key("charger", code), kChargerFields)});
    return charger_from(replies.at(0), replies.at(1));
}

std::map<std::string, bool> LiveState::online(const std::vector<std::string>& codes) {
    std::map<std::string, bool> out;
    if (codes.empty()) return out;
    std::vector<std::vector<std::string>> cmds;
    for (const auto& code : codes) cmds.push_back({"EXISTS", key("online", code)});
    auto replies = redis_.pipeline(cmds);
    for (std::size_t i = 0; i < codes.size(); ++i) out[codes[i]] = replies.at(i).integer == 1;
    return out;
}

std::vector<std::vector<std::string>> LiveState::chargers_and_connectors_commands(
    const std::vector<std::pair<std::string, int>>& connectors) const {
    std::vector<std::vector<std::string>> cmds;
    cmds.reserve(connectors.size() * 3);
    for (const auto& [code, number] : connectors) {
        cmds.push_back({"EXISTS", key("online", code)});
        cmds.push_back(hmget(key("charger", code), kChargerFields));
        cmds.push_back(hmget(key("conn", code + ":" + std::to_string(number)), kConnectorFields));
    }
    return cmds;
}

std::vector<std::pair<ChargerLive, ConnectorLive>> LiveState::chargers_and_connectors_from(
    const std::vector<RedisReply>& replies, std::size_t pairs) {
    std::vector<std::pair<ChargerLive, ConnectorLive>> out;
    out.reserve(pairs);
    for (std::size_t i = 0; i < pairs; ++i)
        out.emplace_back(charger_from(replies.at(3 * i), replies.at(3 * i + 1)),
                         connector_from(replies.at(3 * i + 2)));
    return out;
}

std::vector<std::pair<ChargerLive, ConnectorLive>> LiveState::chargers_and_connectors(
    const std::vector<std::pair<std::string, int>>& connectors) {
    if (connectors.empty()) return {};
    return chargers_and_connectors_from(redis_.pipeline(chargers_and_connectors_commands(connectors)),
                                        connectors.size());
}

ConnectorLive LiveState::connector(const std::string& code, int number) {
    return connector_from(redis_.command(hmget(key("conn", code + ":" + std::to_string(number)), kConnectorFields)));
}

std::vector<ConnectorLive> LiveState::connectors(const std::string& code, int count) {
    std::vector<std::vector<std::string>> cmds;
    for (int n = 1; n <= count; ++n) cmds.push_back(hmget(key("conn", code + ":" + std::to_string(n)), kConnectorFields));
    std::vector<ConnectorLive> out;
    if (cmds.empty()) return out;
    for (const auto& reply : redis_.pipeline(cmds)) out.push_back(connector_from(reply));
    return out;
}

std::vector<LiveState::Snapshot> LiveState::snapshot(const std::vector<Request>& chargers) {
    std::vector<std::vector<std::string>> cmds;
    for (const auto& c : chargers) {
        cmds.push_back({"EXISTS", key("online", c.code)});
        for (int n = 1; n <= c.connectors; ++n)
            cmds.push_back(hmget(key("conn", c.code + ":" + std::to_string(n)), kConnectorFields));
    }
    std::vector<Snapshot> out(chargers.size());
    if (cmds.empty()) return out;
    const auto replies = redis_.pipeline(cmds);
    std::size_t at = 0;
    for (std::size_t i = 0; i < chargers.size(); ++i) {
        out[i].online = replies.at(at++).integer == 1;
        for (int n = 1; n <= chargers[i].connectors; ++n)
            out[i].connectors.push_back(connector_from(replies.at(at++)));
    }
    return out;
}

void LiveState::mark_seen(const std::string& code, UtcMs now, std::int64_t ttl_s) {
    redis_.pipeline({{"SET", key("online", code), "1", "EX", std::to_string(ttl_s)},
                     {"ZADD", prefix_ + "presence", std::to_string(now), code},
                     {"HSET", key("charger", code), "last_seen", std::to_string(now)}});
}

bool LiveState::mark_offline(const std::string& code) {
    auto replies = redis_.pipeline({{"DEL", key("online", code)}, {"ZREM", prefix_ + "presence", code}});
    return replies.at(0).integer == 1 || replies.at(1).integer == 1;
}

std::int64_t LiveState::count_seen_since(UtcMs since) {
    return redis_.command({"ZCOUNT", prefix_ + "presence", std::to_string(since), "+inf"}).integer;
}

UtcMs LiveState::presence_since(UtcMs now) {
    const std::string key = prefix_ + "presence_since";
    auto replies = redis_.pipeline({{"SET", key, std::to_string(now), "NX"}, {"GET", key}});
    const std::string& since = replies.at(1).str;
    return since.empty() ? now : std::stoll(since);
}

std::vector<std::string> LiveState::silent_since(UtcMs cutoff) {
    auto reply = redis_.command({"ZRANGEBYSCORE", prefix_ + "presence", "-inf", "(" + std::to_string(cutoff),
                                 "LIMIT", "0", "1000"});
    std::vector<std::string> out;
    for (const auto& e : reply.elements) out.push_back(e.str);
    return out;
}

void LiveState::set_boot(const std::string& code, const std::string& boot_id, UtcMs now, std::int64_t station_id,
                         const std::string& vendor, const std::string& model, const std::string& firmware) {
    redis_.command({"HSET", key("charger", code), "boot_id", boot_id, "boot_at", std::to_string(now), "station_id",
                    std::to_string(station_id), "vendor", vendor, "model", model, "firmware", firmware});
}

void LiveState::set_connector_status(const std::string& code, int number, const std::string& status, UtcMs at) {
    redis_.command({"HSET", key("conn", code + ":" + std::to_string(number)), "status", status, "status_at",
                    std::to_string(at)});
}

void LiveState::set_clock_offset(const std::string& code, UtcMs offset_ms) {
    redis_.command({"HSET", key("charger", code), "clock_offset_ms", std::to_string(offset_ms)});
}

std::optional<UtcMs> LiveState::clock_offset(const std::string& code) {
    const auto reply = redis_.command({"HGET", key("charger", code), "clock_offset_ms"});
    if (reply.is_nil() || reply.str.empty()) return std::nullopt;
    return to_int(reply.str);
}

std::vector<std::string> LiveState::connector_meter_command(const std::string& code, int number,
                                                           const ConnectorLive& s) const {
    return {"HSET",
            key("conn", code + ":" + std::to_string(number)),
            "power_w", std::to_string(s.power_w),
            "energy_wh", std::to_string(s.energy_wh),
            "voltage_v", domain::double_text(s.voltage_v),
            "current_a", domain::double_text(s.current_a),
            "at", std::to_string(s.at),
            "soc", s.soc ? std::to_string(*s.soc) : std::string()};
}

std::vector<std::string> LiveState::connector_order_command(const std::string& code, int number,
                                                           std::int64_t order_id, const std::string& tx_id) const {
    return {"HSET", key("conn", code + ":" + std::to_string(number)), "order_id", std::to_string(order_id), "tx_id",
            tx_id};
}

void LiveState::set_connector_order(const std::string& code, int number, std::int64_t order_id,
                                    const std::string& tx_id) {
    redis_.command(connector_order_command(code, number, order_id, tx_id));
}

}  // namespace kw::live
