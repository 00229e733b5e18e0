#include "ocpp201_messages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <cmath>

namespace kw::sim::ocpp201 {

namespace json = boost::json;

namespace {

std::string_view cut(std::string_view s, std::size_t n) { return s.substr(0, std::min(s.size(), n)); }

json::object sampled(json::value value, std::string_view context, std::string_view measurand,
                     std::string_view location, std::string_view unit) {
    return json::object{{"value", std::move(value)},
                        {"context", context},
                        {"measurand", measurand},
                        {"location", location},
                        {"unitOfMeasure", json::object{{"unit", unit}}}};
}

double one_decimal(double v) { return std::round(v * 10.0) / 10.0; }

std::string text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t number(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_int64() ? v->as_int64() : 0;
}

json::object named(std::string_view name, std::string_view instance = {}) {
    json::object o{{"name", name}};
    if (!instance.empty()) o["instance"] = instance;
    return o;
}

json::object evse_component(std::string_view name, int evse, int connector = 0) {
    json::object o{{"name", name}};
    json::object e{{"id", evse}};
    if (connector > 0) e["connectorId"] = connector;
    o["evse"] = std::move(e);
    return o;
}

// A requested component {name, instance?, evse?} is this variable's: the same name and instance,
// and the same EVSE (a request without connectorId names every connector of the EVSE).
bool same_component(const json::object& have, const json::object& want) {
    if (text(have, "name") != text(want, "name") || text(have, "instance") != text(want, "instance"))
        return false;
    const auto* he = have.if_contains("evse");
    const auto* we = want.if_contains("evse");
    if (!he || !we) return !he && !we;
    const auto& h = he->as_object();
    const auto& w = we->is_object() ? we->as_object() : json::object{};
    if (number(h, "id") != number(w, "id")) return false;
    return !w.contains("connectorId") || number(h, "connectorId") == number(w, "connectorId");
}

bool same_variable(const json::object& have, const json::object& want) {
    return text(have, "name") == text(want, "name") && text(have, "instance") == text(want, "instance");
}

const json::object& object_at(const json::object& item, std::string_view key) {
    static const json::object kEmpty;
    const auto* v = item.if_contains(key);
    return v && v->is_object() ? v->as_object() : kEmpty;
}

// Finds the variable an item names; `status` says why not (UnknownComponent / UnknownVariable).
const Variable* find(const std::vector<Variable>& model, const json::object& item, std::string_view& status) {
    const json::object& component = object_at(item, "component");
    const json::object& variable = object_at(item, "variable");
    bool component_known = false;
    for (const auto& v : model) {
        if (!same_component(v.component, component)) continue;
        component_known = true;
        if (same_variable(v.variable, variable)) return &v;
    }
    status = component_known ? "UnknownVariable" : "UnknownComponent";
    return nullptr;
}

bool actual_attribute(const json::object& item) {
    const auto* type = item.if_contains("attributeType");
    return !type || (type->is_string() && type->as_string() == "Actual");
}

}  // namespace

json::object boot_notification(std::string_view reason, std::string_view vendor, std::string_view model,
                               std::string_view firmware, std::string_view serial) {
    json::object station{{"model", cut(model, 20)}, {"vendorName", cut(vendor, 50)}};
    if (!firmware.empty()) station["firmwareVersion"] = cut(firmware, 50);
    if (!serial.empty()) station["serialNumber"] = cut(serial, 25);
    return json::object{{"reason", reason}, {"chargingStation", std::move(station)}};
}

std::string_view connector_status(const Connector& c) {
    switch (c.status) {
        case ConnectorStatus::kAvailable:
            return "Available";
        case ConnectorStatus::kFaulted:
            return "Faulted";
        case ConnectorStatus::kUnavailable:
            return "Unavailable";
        default:
            return "Occupied";
    }
}

json::object status_notification(int evse, std::string_view connector_status, WallTime ts) {
    return json::object{{"timestamp", utc_iso(ts)},
                        {"connectorStatus", connector_status},
                        {"evseId", evse},
                        {"connectorId", 1}};
}

std::string_view charging_state(const Connector& c, const ocpp::OcppConnector& o) {
    if (c.session) {
        if (o.ev_full) return "SuspendedEV";
        if (c.status == ConnectorStatus::kSuspended) return "SuspendedEVSE";
        return "Charging";
    }
    return c.plugged ? "EVConnected" : "Idle";
}

std::string_view stopped_reason(std::string_view r) {
    if (r == "Remote" || r == "Local" || r == "EVDisconnected" || r == "EmergencyStop" || r == "Reboot" ||
        r == "DeAuthorized")
        return r;
    if (r == "SoftReset" || r == "HardReset" || r == "ImmediateReset") return "ImmediateReset";
    return "Other";  // UnlockCommand and anything else
}

std::string_view ended_trigger(std::string_view r) {
    if (r == "Remote") return "RemoteStop";
    if (r == "Local") return "StopAuthorized";
    if (r == "EVDisconnected") return "EVCommunicationLost";
    if (r == "EmergencyStop") return "AbnormalCondition";
    if (r == "Reboot" || r == "SoftReset" || r == "HardReset" || r == "ImmediateReset") return "ResetCommand";
    if (r == "DeAuthorized") return "Deauthorized";
    if (r == "UnlockCommand") return "UnlockCommand";
    return "AbnormalCondition";
}

std::string transaction_id(std::uint64_t hi, std::uint64_t lo) {
    // Version 4 (random) and variant 10 bits set, as a UUID generator does.
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0x0FFF,
                       0x8000 | ((lo >> 48) & 0x3FFF), lo & 0xFFFFFFFFFFFFULL);
}

json::object meter_value(const ocpp::Sample& s, std::string_view context,
                         const std::vector<std::string>& measurands) {
    json::array values;
    for (const auto& m : measurands) {
        if (m == "Energy.Active.Import.Register")
            values.push_back(sampled(s.energy_wh, context, m, "Outlet", "Wh"));
        else if (m == "Power.Active.Import")
            values.push_back(sampled(s.power_w, context, m, "Outlet", "W"));
        else if (m == "Current.Import")
            values.push_back(sampled(one_decimal(s.current_a), context, m, "Outlet", "A"));
        else if (m == "Voltage")
            values.push_back(sampled(one_decimal(s.voltage_v), context, m, "Outlet", "V"));
        else if (m == "SoC" && s.soc)
            values.push_back(sampled(*s.soc, context, m, "EV", "Percent"));
    }
    return json::object{{"timestamp", utc_iso(s.ts)}, {"sampledValue", std::move(values)}};
}

json::object transaction_event(const TxEvent& e) {
    json::object info{{"transactionId", cut(e.transaction_id, 36)}};
    if (!e.charging_state.empty()) info["chargingState"] = e.charging_state;
    if (!e.stopped_reason.empty()) info["stoppedReason"] = e.stopped_reason;
    if (e.remote_start_id) info["remoteStartId"] = *e.remote_start_id;
    json::object p{{"eventType", e.type},
                   {"timestamp", utc_iso(e.ts)},
                   {"triggerReason", e.trigger},
                   {"seqNo", e.seq_no},
                   {"transactionInfo", std::move(info)}};
    if (e.offline) p["offline"] = true;
    if (e.evse > 0) p["evse"] = json::object{{"id", e.evse}, {"connectorId", 1}};
    if (!e.id_token.empty())
        p["idToken"] = json::object{{"idToken", cut(e.id_token, 36)},
                                    {"type", e.id_token_type.empty() ? "Central" : e.id_token_type}};
    if (e.meter_value && !e.meter_value->at("sampledValue").as_array().empty())
        p["meterValue"] = json::array{*e.meter_value};
    return p;
}

std::string_view error_code(std::string_view code) {
    if (code == "FormationViolation") return "FormatViolation";
    if (code == "OccurenceConstraintViolation") return "OccurrenceConstraintViolation";
    return code;
}

std::vector<Variable> device_model(const ocpp::ConfigStore& config, const StationInfo& info) {
    std::vector<Variable> out;
    const auto rw = [&](json::object component, json::object variable, std::string key) {
        out.push_back(
            Variable{std::move(component), std::move(variable), config.text(key), false, std::move(key)});
    };
    const auto ro = [&](json::object component, json::object variable, std::string value) {
        out.push_back(Variable{std::move(component), std::move(variable), std::move(value), true, ""});
    };
    rw(named("OCPPCommCtrlr"), named("HeartbeatInterval"), "HeartbeatInterval");
    rw(named("OCPPCommCtrlr"), named("WebSocketPingInterval"), "WebSocketPingInterval");
    rw(named("OCPPCommCtrlr"), named("MessageAttempts", "TransactionEvent"), "TransactionMessageAttempts");
    rw(named("OCPPCommCtrlr"), named("MessageAttemptInterval", "TransactionEvent"),
       "TransactionMessageRetryInterval");
    rw(named("SampledDataCtrlr"), named("TxUpdatedInterval"), "MeterValueSampleInterval");
    rw(named("SampledDataCtrlr"), named("TxUpdatedMeasurands"), "MeterValuesSampledData");
    rw(named("SampledDataCtrlr"), named("TxEndedMeasurands"), "StopTxnSampledData");
    rw(named("AlignedDataCtrlr"), named("Interval"), "ClockAlignedDataInterval");
    rw(named("TxCtrlr"), named("EVConnectionTimeOut"), "ConnectionTimeOut");
    ro(named("TxCtrlr"), named("StopTxOnEVSideDisconnect"), "true");
    ro(named("AuthCtrlr"), named("AuthorizeRemoteStart"), "false");
    for (std::string_view what : {"GetReport", "GetVariables", "SetVariables"}) {
        ro(named("DeviceDataCtrlr"), named("ItemsPerMessage", what), "50");
        ro(named("DeviceDataCtrlr"), named("BytesPerMessage", what), "65000");
    }
    ro(named("ChargingStation"), named("AvailabilityState"), info.station_state);
    for (int n = 1; n <= info.evses; ++n) {
        const std::size_t i = static_cast<std::size_t>(n - 1);
        ro(evse_component("EVSE", n), named("AvailabilityState"),
           i < info.evse_states.size() ? info.evse_states[i] : "Available");
        ro(evse_component("EVSE", n), named("Power"), std::to_string(info.rated_w));
        ro(evse_component("Connector", n, 1), named("ConnectorType"),
           info.kind == ChargerKind::kDc ? "cCCS2" : "cType2");
    }
    return out;
}

json::object get_variable(const std::vector<Variable>& model, const json::object& item) {
    json::object r{{"component", object_at(item, "component")}, {"variable", object_at(item, "variable")}};
    if (const auto* type = item.if_contains("attributeType")) r["attributeType"] = *type;
    std::string_view status = "Accepted";
    const Variable* v = find(model, item, status);
    if (v && !actual_attribute(item)) status = "NotSupportedAttributeType";
    r["attributeStatus"] = status;
    if (v && status == "Accepted") r["attributeValue"] = cut(v->value, 2500);
    return r;
}

json::object set_variable(const std::vector<Variable>& model, ocpp::ConfigStore& config,
                          const json::object& item, std::string& changed) {
    json::object r{{"component", object_at(item, "component")}, {"variable", object_at(item, "variable")}};
    if (const auto* type = item.if_contains("attributeType")) r["attributeType"] = *type;
    std::string_view status = "Accepted";
    const Variable* v = find(model, item, status);
    if (v && !actual_attribute(item)) {
        status = "NotSupportedAttributeType";
    } else if (v && v->readonly) {
        status = "Rejected";
    } else if (v) {
        const auto result = config.change(v->config_key, text(item, "attributeValue"));
        status = result == ocpp::ConfigStore::Change::kAccepted ? "Accepted" : "Rejected";
        if (result == ocpp::ConfigStore::Change::kAccepted) changed = v->config_key;
    }
    r["attributeStatus"] = status;
    return r;
}

std::optional<std::vector<Variable>> report_variables(const std::vector<Variable>& model,
                                                      std::string_view report_base) {
    if (report_base == "FullInventory") return model;
    std::vector<Variable> out;
    if (report_base == "ConfigurationInventory") {
        std::copy_if(model.begin(), model.end(), std::back_inserter(out),
                     [](const Variable& v) { return !v.readonly; });
        return out;
    }
    if (report_base == "SummaryInventory") {
        std::copy_if(model.begin(), model.end(), std::back_inserter(out),
                     [](const Variable& v) { return text(v.variable, "name") == "AvailabilityState"; });
        return out;
    }
    return std::nullopt;
}

std::vector<json::object> notify_reports(const std::vector<Variable>& variables, std::int64_t request_id,
                                         WallTime generated_at, int parts) {
    const std::size_t count = std::max<std::size_t>(
        1, std::min<std::size_t>(static_cast<std::size_t>(std::max(parts, 1)), variables.size()));
    const std::size_t per = (variables.size() + count - 1) / count;
    std::vector<json::object> out;
    for (std::size_t part = 0; part < count; ++part) {
        json::array data;
        for (std::size_t i = part * per; i < std::min(variables.size(), (part + 1) * per); ++i) {
            const Variable& v = variables[i];
            data.push_back(json::object{
                {"component", v.component},
                {"variable", v.variable},
                {"variableAttribute",
                 json::array{json::object{{"type", "Actual"},
                                          {"value", cut(v.value, 2500)},
                                          {"mutability", v.readonly ? "ReadOnly" : "ReadWrite"}}}}});
        }
        json::object p{{"requestId", request_id},
                       {"generatedAt", utc_iso(generated_at)},
                       {"tbc", part + 1 < count},
                       {"seqNo", static_cast<std::int64_t>(part)}};
        if (!data.empty()) p["reportData"] = std::move(data);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace kw::sim::ocpp201
