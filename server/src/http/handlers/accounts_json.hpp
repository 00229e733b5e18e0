#pragma once
// JSON shapes of drivers, employees and ledger rows, shared by the auth, wallet and admin handlers.
// Never writes password hashes. Pure formatting; any thread.
#include <boost/json/object.hpp>

#include "store/drivers_repo.hpp"
#include "store/employees_repo.hpp"
#include "store/wallet_repo.hpp"

namespace kw::http {

// {id, phone, nickname, status, balance_fen, created_at}; phone masked unless full_phone (staff),
// which also adds updated_at.
boost::json::object driver_json(const store::DriverRow& d, bool full_phone);
// {id, login, name, role, enabled, created_at, updated_at}
boost::json::object employee_json(const store::EmployeeRow& e);
// {id, delta_fen, balance_after_fen, reason, order_id, topup_id, note, created_at}; staff also see
// employee_id.
boost::json::object ledger_json(const store::LedgerRow& l, bool for_staff);
// {id, amount_fen, state, provider, provider_ref, created_at, paid_at}
boost::json::object topup_json(const store::TopupRow& t);

}  // namespace kw::http
