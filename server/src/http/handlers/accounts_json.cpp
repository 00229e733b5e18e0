#include "http/handlers/accounts_json.hpp"

#include "domain/clock.hpp"
#include "domain/validate.hpp"

namespace kw::http {

namespace {

boost::json::value opt_id(const std::optional<std::int64_t>& v) {
    if (!v) return nullptr;
    return *v;
}

}  // namespace

boost::json::object driver_json(const store::DriverRow& d, bool full_phone) {
    boost::json::object o{
        {"id", d.id},
        {"phone", full_phone ? d.phone : domain::mask_phone(d.phone)},
        {"nickname", d.nickname},
        {"status", d.status},
        {"balance_fen", d.balance_fen},
        {"created_at", format_utc(d.created_at)},
    };
    if (full_phone) o["updated_at"] = format_utc(d.updated_at);
    return o;
}

boost::json::object employee_json(const store::EmployeeRow& e) {
    return {
        {"id", e.id},
        {"login", e.login},
        {"name", e.name},
        {"role", e.role},
        {"enabled", e.enabled},
        {"created_at", format_utc(e.created_at)},
        {"updated_at", format_utc(e.updated_at)},
    };
}

boost::json::object ledger_json(const store::LedgerRow& l, bool for_staff) {
    boost::json::object o{
        {"id", l.id},
        {"delta_fen", l.delta_fen},
        {"balance_after_fen", l.balance_after_fen},
        {"reason", l.reason},
        {"order_id", opt_id(l.order_id)},
        {"topup_id", opt_id(l.topup_id)},
        {"note", l.note},
        {"created_at", format_utc(l.created_at)},
    };
    if (for_staff) o["employee_id"] = opt_id(l.employee_id);
    return o;
}

boost::json::object topup_json(const store::TopupRow& t) {
    boost::json::object o{
        {"id", t.id},
        {"amount_fen", t.amount_fen},
        {"state", t.state},
        {"provider", t.provider},
        {"provider_ref", t.provider_ref},
        {"created_at", format_utc(t.created_at)},
    };
    o["paid_at"] = t.paid_at ? boost::json::value(format_utc(*t.paid_at)) : boost::json::value(nullptr);
    return o;
}

}  // namespace kw::http
