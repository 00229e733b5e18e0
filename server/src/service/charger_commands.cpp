#include "service/charger_commands.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "live/state.hpp"
#include "service/audit.hpp"
#include "service/charger_events.hpp"
#include "service/local_list.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

// The protocols whose chargers take the operator's commands (kw-mqtt/1 has none of them).
bool takes_operator_commands(const std::string& protocol) {
    return protocol == "ocpp1.6" || protocol == "ocpp2.0.1";
}

// The configuration keys of a command, checked against the charger's protocol (the HTTP handler
// allows the longest any protocol takes).
void check_key_lengths(const device::Command& command, const std::string& protocol) {
    const std::size_t most = max_configuration_key_length(protocol);
    const auto too_long = [&](const std::string& key) { return key.size() > most; };
    const std::string limit = std::to_string(most) + " characters for an " + protocol + " charger";
    if (const auto* get = std::get_if<device::GetConfigurationCommand>(&command);
        get && std::ranges::any_of(get->keys, too_long))
        throw Error(Errc::bad_request, "field 'keys' must hold keys of 1 to " + limit);
    if (const auto* set = std::get_if<device::SetConfigurationCommand>(&command); set && too_long(set->key))
        throw Error(Errc::bad_request, "field 'key' must be 1 to " + limit);
}

void set_record_id(device::Command& command, std::int64_t id) {
    std::visit(device::Overloaded{
                   [](device::StartCommand&) {},
                   [](device::StopCommand&) {},
                   [](device::BootAccepted&) {},
                   [](device::TransactionEventAck&) {},
                   [](device::AuthorizeResult&) {},
                   [](device::StationApproved&) {},
                   [&](auto& c) { c.record_id = id; },
               },
               command);
}

}  // namespace

std::size_t max_configuration_key_length(const std::string& protocol) {
    return protocol == "ocpp2.0.1" ? kMaxConfigurationKeyLength : 50;
}

store::ChargerCommandRow issue_charger_command(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id,
                                               device::Command command, const boost::json::object& params) {
    const auto id_of = device::command_id(command);
    if (!id_of || id_of->about_an_order()) throw Error(Errc::internal, "not an operator's command");
    const std::string kind(device::to_string(id_of->kind));
    std::optional<store::ChargerRow> charger;
    {
        auto sql = ctx.db.read_session();
        charger = store::find_charger(*sql, charger_id);
    }
    if (!charger) throw Error(Errc::not_found, "no such charger");
    if (!takes_operator_commands(charger->protocol))
        throw Error(Errc::conflict, "a " + charger->protocol + " charger has no " + kind + " command");
    check_key_lengths(command, charger->protocol);
    if (const auto* reset = std::get_if<device::ResetCommand>(&command);
        reset && reset->connector > 0 && charger->protocol != "ocpp2.0.1")
        throw Error(Errc::bad_request, "field 'connector': an " + charger->protocol +
                                           " charger resets as a whole (OCPP 2.0.1 resets one EVSE)");
    if (!live::LiveState(ctx.redis, ctx.config.redis.prefix).charger(charger->code).online)
        throw Error(Errc::charger_offline, "charger " + charger->code + " is offline");
    const UtcMs now = ctx.clock.now();
    boost::json::object recorded = params;
    if (auto* list = std::get_if<device::SendLocalListCommand>(&command)) {
        const auto since = fill_local_list(ctx, charger_id, *list, now);
        recorded["update_type"] = list->differential ? "differential" : "full";
        if (since) recorded["since"] = *since;
        recorded["list_version"] = list->list_version;
        recorded["entries"] = static_cast<std::int64_t>(list->entries.size());
    }
    const std::string params_text = domain::to_json(recorded);
    std::int64_t id = 0;
    {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        id = store::insert_charger_command(*sql, charger_id, kind, params_text, employee_id, now);
        if (employee_id != 0)
            audit(*sql, employee_id, "charger.command", "charger:" + std::to_string(charger_id),
                  {{"command_id", id}, {"kind", kind}, {"params", recorded}}, now);
        tr.commit();
    }
    set_record_id(command, id);
    if (ctx.commands.send(charger->code, command) == device::Delivery::not_supported) {
        auto sql = ctx.db.session();
        store::answer_charger_command(*sql, id, "failed", "not_supported", std::nullopt, ctx.clock.now());
    }
    spdlog::info("event=charger_command code={} id={} kind={} employee={}", charger->code, id, kind, employee_id);
    return find_charger_command(ctx, charger_id, id);
}

store::ChargerCommandRow find_charger_command(app::Context& ctx, std::int64_t charger_id, std::int64_t command_id) {
    auto sql = ctx.db.read_session();
    auto row = store::find_charger_command(*sql, command_id);
    if (!row || row->charger_id != charger_id) throw Error(Errc::not_found, "no such command");
    return *row;
}

Paged<store::ChargerCommandRow> list_charger_commands(app::Context& ctx, std::int64_t charger_id, std::int64_t limit,
                                                      std::int64_t offset) {
    auto sql = ctx.db.read_session();
    if (!store::find_charger(*sql, charger_id)) throw Error(Errc::not_found, "no such charger");
    Paged<store::ChargerCommandRow> out;
    out.items = store::list_charger_commands(*sql, charger_id, limit, offset);
    out.total = store::count_charger_commands(*sql, charger_id);
    return out;
}

void apply_operator_command_ack(app::Context& ctx, const device::CommandAcknowledged& ack) {
    const store::ChargerKey charger = known_charger(ctx, ack.code);
    const std::int64_t id = ack.command->record_id;
    bool recorded = false;
    {
        auto sql = ctx.db.session();
        auto row = store::find_charger_command(*sql, id);
        // Another charger's command id: not this charger's to answer.
        if (!row || row->charger_id != charger.id) {
            spdlog::warn("event=command_ack_foreign code={} id={}", ack.code, id);
            return;
        }
        recorded = store::answer_charger_command(*sql, id, ack.accepted ? "accepted" : "rejected", ack.reason,
                                                 ack.result, ctx.clock.now());
    }
    if (!recorded) return;  // a repeat, or an answer after the command timed out
    push_charger_event(ctx, ack.code, charger.station_id, 0, "command",
                       {{"id", id},
                        {"kind", device::to_string(ack.command->kind)},
                        {"status", ack.accepted ? "accepted" : "rejected"},
                        {"reason", ack.reason}});
}

void expire_charger_commands(app::Context& ctx, UtcMs now) {
    auto sql = ctx.db.session();
    if (auto n = store::expire_charger_commands(*sql, now - kCommandTimeoutMs, now); n > 0)
        spdlog::warn("event=charger_commands_timeout count={}", n);
}

}  // namespace kw::service
