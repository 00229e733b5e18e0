#include "service/accounts.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "domain/error.hpp"
#include "domain/permissions.hpp"
#include "domain/validate.hpp"
#include "service/account_rules.hpp"
#include "service/audit.hpp"
#include "service/local_list.hpp"
#include "service/password_pool.hpp"
#include "service/throttle.hpp"
#include "service/verification.hpp"
#include "store/cards_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

constexpr const char* kBadDriverLogin = "wrong phone number or password";
constexpr const char* kBadStaffLogin = "wrong login or password";

// Verifying against this when the account does not exist makes a wrong phone cost as much time as
// a wrong password, so timing does not tell which phones are registered.
const std::string& dummy_hash() {
    static const std::string hash = hash_password("not-a-real-password-0");
    return hash;
}

void require_staff_role(Role role) {
    if (role == Role::driver)
        throw Error(Errc::bad_request, "field 'role' must be admin, operator or maintainer");
}

std::string default_nickname(const std::string& phone) {
    return "用户" + (phone.size() >= 4 ? phone.substr(phone.size() - 4) : phone);
}

std::string driver_target(std::int64_t id) { return "driver:" + std::to_string(id); }
std::string employee_target(std::int64_t id) { return "employee:" + std::to_string(id); }

store::DriverRow load_driver(soci::session& sql, std::int64_t id) {
    auto row = store::find_driver(sql, id);
    if (!row) throw Error(Errc::not_found, "no such driver");
    return *row;
}

store::EmployeeRow load_employee(soci::session& sql, std::int64_t id) {
    auto row = store::find_employee(sql, id);
    if (!row) throw Error(Errc::not_found, "no such employee");
    return *row;
}

std::int64_t insert_driver_hashed(soci::session& sql, const std::string& phone, const std::string& hash,
                                  const std::string& nickname, UtcMs now) {
    return store::insert_driver(sql, phone, hash, nickname, now);
}

}  // namespace

std::int64_t create_driver(soci::session& sql, const std::string& phone, const std::string& password,
                           const std::string& nickname, UtcMs now) {
    if (!domain::valid_cn_mobile(phone))
        throw Error(Errc::bad_request, "field 'phone' is not a valid mobile number");
    domain::validate_password(password);
    std::string nick = normalize_display_name(nickname, "nickname");
    return insert_driver_hashed(sql, phone, hash_password(password), nick, now);
}

std::int64_t create_employee(soci::session& sql, const std::string& login, const std::string& password,
                             const std::string& name, Role role, UtcMs now) {
    validate_employee_login(login);
    domain::validate_password(password);
    require_staff_role(role);
    std::string clean_name = normalize_display_name(name, "name");
    return store::insert_employee(sql, login, hash_password(password), clean_name,
                                  std::string(domain::to_string(role)), now);
}

void bootstrap_admin(app::Context& ctx, const std::string& login_colon_password) {
    auto colon = login_colon_password.find(':');
    if (colon == std::string::npos)
        throw Error(Errc::bad_request, "config key 'auth.bootstrap_admin': must be login:password");
    const std::string login = login_colon_password.substr(0, colon);
    const std::string password = login_colon_password.substr(colon + 1);
    validate_employee_login(login);
    domain::validate_password(password);
    auto s = ctx.db.session();
    soci::session& sql = *s;
    if (store::count_all_employees(sql) > 0) {
        spdlog::info("event=bootstrap_admin created=false reason=employees_exist");
        return;
    }
    try {
        soci::transaction tx(sql);
        const UtcMs now = ctx.clock.now();
        std::int64_t id = create_employee(sql, login, password, "Administrator", Role::admin, now);
        audit(sql, id, "employee.bootstrap", employee_target(id), {{"login", login}, {"role", "admin"}}, now);
        tx.commit();
        spdlog::info("event=bootstrap_admin created=true employee_id={} login={}", id, login);
    } catch (const Error& e) {
        // Another instance started at the same moment and created it first.
        if (e.errc() != Errc::already_exists) throw;
        spdlog::info("event=bootstrap_admin created=false reason=login_taken login={}", login);
    }
}

DriverSession register_driver(app::Context& ctx, const std::string& phone, const std::string& code,
                              const std::string& password, const std::optional<std::string>& nickname,
                              const std::string& address) {
    if (!domain::valid_cn_mobile(phone))
        throw Error(Errc::bad_request, "field 'phone' is not a valid mobile number");
    domain::validate_password(password);
    std::string nick = normalize_display_name(nickname ? *nickname : default_nickname(phone), "nickname");
    take_hourly_quota(ctx, "register", address, ctx.config.limits.register_per_ip_per_hour);
    consume_sms_code(ctx, phone, "register", code);
    const std::string hash = ctx.passwords.hash(password);  // before taking the (possibly only) SQL connection
    DriverSession out;
    {
        auto s = ctx.db.session();
        std::int64_t id = insert_driver_hashed(*s, phone, hash, nick, ctx.clock.now());
        out.driver = load_driver(*s, id);
    }
    out.driver.password_hash.clear();
    out.token = issue_token(ctx, Principal{Role::driver, out.driver.id});
    spdlog::info("event=driver_registered driver_id={} phone={}", out.driver.id, domain::mask_phone(phone));
    return out;
}

DriverSession login_driver(app::Context& ctx, const std::string& phone, const std::string& password,
                           const std::string& address) {
    check_login_allowed(ctx, "driver", phone, address);
    std::optional<store::DriverRow> row;
    if (domain::valid_cn_mobile(phone)) {
        auto s = ctx.db.session();
        row = store::find_driver_by_phone(*s, phone);
    }
    bool ok = ctx.passwords.verify(row ? row->password_hash : dummy_hash(), password) && row;
    if (!ok) {
        record_login_failure(ctx, "driver", phone, address);
        spdlog::info("event=login_failed kind=driver phone={}", domain::mask_phone(phone));
        throw Error(Errc::unauthorized, kBadDriverLogin);
    }
    clear_login_failures(ctx, "driver", phone);
    if (row->status != "active") throw Error(Errc::account_disabled, "this account is disabled");
    DriverSession out;
    const Principal who{Role::driver, row->id};
    out.token = issue_token(ctx, who);
    {
        // Re-read after issuing: a disable committed meanwhile has revoked only the tokens it saw.
        auto s = ctx.db.session();
        row = store::find_driver(*s, who.id);
    }
    if (!row || row->status != "active") {
        revoke_token(ctx, out.token.token);
        throw Error(Errc::account_disabled, "this account is disabled");
    }
    out.driver = *row;
    out.driver.password_hash.clear();
    spdlog::info("event=login kind=driver driver_id={}", who.id);
    return out;
}

StaffSession login_staff(app::Context& ctx, const std::string& login, const std::string& password,
                         const std::string& address) {
    check_login_allowed(ctx, "staff", login, address);
    std::optional<store::EmployeeRow> row;
    {
        auto s = ctx.db.session();
        row = store::find_employee_by_login(*s, login);
    }
    bool ok = ctx.passwords.verify(row ? row->password_hash : dummy_hash(), password) && row;
    if (!ok) {
        record_login_failure(ctx, "staff", login, address);
        spdlog::info("event=login_failed kind=staff login_len={}", login.size());
        // Staff accounts guard money and equipment: an operator reviews failed sign-ins in the audit
        // log. Only existing logins are recorded (the log is not a list of what strangers typed).
        if (row) {
            auto s = ctx.db.session();
            audit(*s, row->id, "employee.login_failed", employee_target(row->id), {{"address", address}},
                  ctx.clock.now());
        }
        throw Error(Errc::unauthorized, kBadStaffLogin);
    }
    clear_login_failures(ctx, "staff", login);
    if (!row->enabled) throw Error(Errc::account_disabled, "this account is disabled");
    StaffSession out;
    const Principal who{domain::role_from_string(row->role), row->id};
    out.token = issue_token(ctx, who);
    {
        auto s = ctx.db.session();
        row = store::find_employee(*s, who.id);
    }
    if (!row || !row->enabled || row->role != domain::to_string(who.role)) {
        revoke_token(ctx, out.token.token);
        throw Error(Errc::account_disabled, "this account is disabled");
    }
    out.employee = *row;
    out.employee.password_hash.clear();
    spdlog::info("event=login kind=staff employee_id={} role={}", who.id, row->role);
    return out;
}

store::DriverRow set_driver_enabled(app::Context& ctx, std::int64_t actor_id, std::int64_t driver_id,
                                    bool enabled) {
    const std::string status = enabled ? "active" : "disabled";
    store::DriverRow row;
    std::int64_t cards = 0;
    {
        auto s = ctx.db.session();
        soci::session& sql = *s;
        soci::transaction tx(sql);
        const UtcMs now = ctx.clock.now();
        store::DriverRow before = load_driver(sql, driver_id);
        store::set_driver_status(sql, driver_id, status, now);
        // The chargers' local lists show a disabled driver's cards blocked: the cards changed.
        if (before.status != status) cards = store::touch_cards_of_driver(sql, driver_id);
        audit(sql, actor_id, enabled ? "driver.enable" : "driver.disable", driver_target(driver_id),
              {{"from", before.status}, {"to", status}}, now);
        row = load_driver(sql, driver_id);
        tx.commit();
    }
    if (!enabled) revoke_all_tokens(ctx, Principal{Role::driver, driver_id});
    if (!enabled && cards > 0) push_local_list_revocation(ctx, actor_id, "driver_disabled");
    row.password_hash.clear();
    return row;
}

BalanceChange adjust_balance(app::Context& ctx, std::int64_t actor_id, std::int64_t driver_id,
                             std::int64_t delta_fen, const std::string& reason) {
    validate_adjustment(delta_fen);
    std::string note = normalize_display_name(reason, "reason", 255);
    auto s = ctx.db.session();
    soci::session& sql = *s;
    soci::transaction tx(sql);
    const UtcMs now = ctx.clock.now();
    load_driver(sql, driver_id);  // 404 before 402
    BalanceChange change = apply_balance_change(sql, driver_id, delta_fen, "adjust", std::nullopt,
                                                std::nullopt, actor_id, note, now);
    audit(sql, actor_id, "driver.adjust_balance", driver_target(driver_id),
          {{"delta_fen", delta_fen},
           {"balance_after_fen", change.balance_fen},
           {"ledger_id", change.ledger_id},
           {"reason", note}},
          now);
    tx.commit();
    return change;
}

store::EmployeeRow add_employee(app::Context& ctx, std::int64_t actor_id, const std::string& login,
                                const std::string& password, const std::string& name, Role role) {
    validate_employee_login(login);
    domain::validate_password(password);
    require_staff_role(role);
    std::string clean_name = normalize_display_name(name, "name");
    const std::string hash = ctx.passwords.hash(password);
    auto s = ctx.db.session();
    soci::session& sql = *s;
    soci::transaction tx(sql);
    const UtcMs now = ctx.clock.now();
    const std::string role_name(domain::to_string(role));
    std::int64_t id = store::insert_employee(sql, login, hash, clean_name, role_name, now);
    audit(sql, actor_id, "employee.create", employee_target(id),
          {{"login", login}, {"name", clean_name}, {"role", role_name}}, now);
    store::EmployeeRow row = load_employee(sql, id);
    tx.commit();
    row.password_hash.clear();
    return row;
}

store::EmployeeRow change_employee(app::Context& ctx, std::int64_t actor_id, std::int64_t employee_id,
                                   const EmployeeChanges& changes) {
    std::optional<std::string> name;
    if (changes.name) name = normalize_display_name(*changes.name, "name");
    if (changes.role) require_staff_role(*changes.role);
    bool revoke = false;
    store::EmployeeRow row;
    {
        auto s = ctx.db.session();
        soci::session& sql = *s;
        soci::transaction tx(sql);
        const UtcMs now = ctx.clock.now();
        // Taken first, before reading the row: two admins demoting each other at once must queue here.
        const bool may_remove_admin = changes.role.has_value() || (changes.enabled && !*changes.enabled);
        const std::int64_t enabled_admins = may_remove_admin ? store::count_enabled_admins_locked(sql) : 0;
        row = load_employee(sql, employee_id);
        const bool was_active_admin = row.role == "admin" && row.enabled;
        boost::json::object diff;
        if (name && *name != row.name) {
            diff["name"] = {{"from", row.name}, {"to", *name}};
            row.name = *name;
        }
        if (changes.role) {
            std::string role(domain::to_string(*changes.role));
            if (role != row.role) {
                if (employee_id == actor_id) throw Error(Errc::conflict, "you cannot change your own role");
                diff["role"] = {{"from", row.role}, {"to", role}};
                row.role = role;
                revoke = true;
            }
        }
        if (changes.enabled && *changes.enabled != row.enabled) {
            if (employee_id == actor_id && !*changes.enabled)
                throw Error(Errc::conflict, "you cannot disable your own account");
            diff["enabled"] = {{"from", row.enabled}, {"to", *changes.enabled}};
            row.enabled = *changes.enabled;
            revoke = revoke || !row.enabled;
        }
        if (was_active_admin && !(row.role == "admin" && row.enabled) && enabled_admins <= 1)
            throw Error(Errc::conflict, "the last enabled admin cannot be demoted or disabled");
        if (!diff.empty()) {
            store::update_employee(sql, row, now);
            audit(sql, actor_id, "employee.update", employee_target(employee_id), {{"changes", diff}}, now);
        }
        row = load_employee(sql, employee_id);
        tx.commit();
    }
    if (revoke) revoke_all_tokens(ctx, Principal{Role::admin, employee_id});
    row.password_hash.clear();
    return row;
}

void reset_employee_password(app::Context& ctx, std::int64_t actor_id, std::int64_t employee_id,
                             const std::string& password) {
    domain::validate_password(password);
    const std::string hash = ctx.passwords.hash(password);
    store::EmployeeRow row;
    {
        auto s = ctx.db.session();
        soci::session& sql = *s;
        soci::transaction tx(sql);
        const UtcMs now = ctx.clock.now();
        row = load_employee(sql, employee_id);
        store::set_employee_password(sql, employee_id, hash, now);
        audit(sql, actor_id, "employee.reset_password", employee_target(employee_id), {{"login", row.login}},
              now);
        tx.commit();
    }
    revoke_all_tokens(ctx, Principal{domain::role_from_string(row.role), employee_id});
}

}  // namespace kw::service
