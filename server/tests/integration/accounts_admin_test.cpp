// Staff administration through the real server: drivers (search, detail, disable, balance
// adjustments), employees (create, edit, reset password), the audit log, and each role's limits.
#include <gtest/gtest.h>

#include <algorithm>

#include "accounts_helpers.hpp"

namespace kw::test {
namespace {

using namespace accounts;

std::string driver_path(long long id, const std::string& rest = "") {
    return "/api/v1/admin/drivers/" + std::to_string(id) + rest;
}

HttpResult adjust(Stack& stack, long long driver, long long delta, const std::string& token,
                  const std::string& reason = "goodwill") {
    return stack.http().post(driver_path(driver, "/balance-adjustments"),
                             body({{"delta_fen", delta}, {"reason", reason}}), token);
}

json::array audit_items(Stack& stack, const std::string& query = "") {
    auto r = stack.http().get("/api/v1/admin/audit" + query, stack.admin_token());
    if (r.status != 200) throw std::runtime_error("audit: " + r.body);
    return r.json().at("items").as_array();
}

TEST(AccountsAdmin, OperatorAdjustsABalanceAndTheAuditLogRecordsIt) {
    Stack stack;
    const std::string driver = stack.driver_token("13812345678");
    const long long id = stack.driver_id(driver);
    const std::string op = stack.staff_token("operator");
    const long long op_id = stack.http().get("/api/v1/me", op).json().at("id").as_int64();

    auto r = adjust(stack, id, 1234, op, "compensation for a faulty charger");
    KW_EXPECT_STATUS(r, 201);
    EXPECT_EQ(r.json().at("balance_fen").as_int64(), 1234);
    const long long ledger_id = r.json().at("ledger_id").as_int64();
    EXPECT_EQ(stack.balance(driver), 1234);

    auto ledger = stack.http().get(driver_path(id, "/ledger"), op);
    KW_EXPECT_STATUS(ledger, 200);
    const json::value row = ledger.json().at("items").at(0);
    EXPECT_EQ(row.at("id").as_int64(), ledger_id);
    EXPECT_EQ(str(row, "reason"), "adjust");
    EXPECT_EQ(row.at("employee_id").as_int64(), op_id);
    EXPECT_EQ(str(row, "note"), "compensation for a faulty charger");
    // The driver sees the row and the note, not who made it.
    auto own = stack.http().get("/api/v1/wallet/ledger", driver).json().at("items").at(0);
    EXPECT_EQ(str(own, "note"), "compensation for a faulty charger");
    EXPECT_FALSE(own.as_object().contains("employee_id"));

    auto items = audit_items(stack, "?action=driver.adjust_balance");
    ASSERT_EQ(items.size(), 1u);
    const auto& a = items.at(0);
    EXPECT_EQ(a.at("employee_id").as_int64(), op_id);
    EXPECT_EQ(str(a, "employee_login"), "operator1");
    EXPECT_EQ(str(a, "target"), "driver:" + std::to_string(id));
    EXPECT_EQ(a.at("detail").at("delta_fen").as_int64(), 1234);
    EXPECT_EQ(a.at("detail").at("ledger_id").as_int64(), ledger_id);
    EXPECT_EQ(str(a.at("detail"), "reason"), "compensation for a faulty charger");
    EXPECT_FALSE(str(a, "created_at").empty());
}

TEST(AccountsAdmin, AdjustingIntoTheNegativeIs402AndChangesNothing) {
    Stack stack;
    const std::string driver = stack.driver_token("13812345678");
    const long long id = stack.driver_id(driver);
    stack.topup(driver, 1000);
    auto r = adjust(stack, id, -1001, stack.admin_token());
    KW_EXPECT_STATUS(r, 402);
    EXPECT_EQ(str(r.json(), "code"), "insufficient_balance");
    EXPECT_EQ(stack.balance(driver), 1000);
    EXPECT_EQ(stack.http().get("/api/v1/wallet/ledger", driver).json().at("total").as_int64(), 1);
    EXPECT_TRUE(audit_items(stack, "?action=driver.adjust_balance").empty());
    // Down to exactly zero is fine.
    KW_EXPECT_STATUS(adjust(stack, id, -1000, stack.admin_token()), 201);
    EXPECT_EQ(stack.balance(driver), 0);
}

TEST(AccountsAdmin, InvalidAdjustmentsAreRejected) {
    Stack stack;
    const long long id = stack.driver_id(stack.driver_token("13812345678"));
    const std::string admin = stack.admin_token();
    KW_EXPECT_STATUS(adjust(stack, id, 0, admin), 400);
    KW_EXPECT_STATUS(adjust(stack, id, 10'000'001, admin), 400);
    KW_EXPECT_STATUS(adjust(stack, id, -10'000'001, admin), 400);
    KW_EXPECT_STATUS(adjust(stack, id, 100, admin, ""), 400);
    KW_EXPECT_STATUS(adjust(stack, id, 100, admin, "  "), 400);
    KW_EXPECT_STATUS(adjust(stack, id, 100, admin, std::string(256, 'r')), 400);
    KW_EXPECT_STATUS(
        stack.http().post(driver_path(id, "/balance-adjustments"), body({{"delta_fen", 100}}), admin), 400);
    KW_EXPECT_STATUS(stack.http().post(driver_path(id, "/balance-adjustments"), "{", admin), 400);
    KW_EXPECT_STATUS(adjust(stack, id + 1000, 100, admin), 404);
    KW_EXPECT_STATUS(adjust(stack, id, 10'000'000, admin), 201);
}

TEST(AccountsAdmin, MaintainerIsForbiddenOnDriversAndBalances) {
    Stack stack;
    const long long id = stack.driver_id(stack.driver_token("13812345678"));
    const std::string m = stack.staff_token("maintainer");
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers", m), 403);
    KW_EXPECT_STATUS(stack.http().get(driver_path(id), m), 403);
    KW_EXPECT_STATUS(stack.http().get(driver_path(id, "/ledger"), m), 403);
    KW_EXPECT_STATUS(stack.http().post(driver_path(id, "/disable"), "", m), 403);
    KW_EXPECT_STATUS(adjust(stack, id, 100, m), 403);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/employees", m), 403);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/audit", m), 403);
}

TEST(AccountsAdmin, OperatorIsForbiddenOnEmployeesAndAudit) {
    Stack stack;
    const std::string op = stack.staff_token("operator");
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/employees", op), 403);
    KW_EXPECT_STATUS(
        stack.http().post(
            "/api/v1/admin/employees",
            body({{"login", "sneaky"}, {"password", "Sneaky-pass1"}, {"name", "S"}, {"role", "admin"}}), op),
        403);
    KW_EXPECT_STATUS(stack.http().put("/api/v1/admin/employees/1", body({{"enabled", false}}), op), 403);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/admin/employees/1/reset-password",
                                       body({{"password", "Hijack-pass1"}}), op),
                     403);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/audit", op), 403);
    // Operators do manage drivers.
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers", op), 200);
}

TEST(AccountsAdmin, DriversAreForbiddenOnAdminRoutes) {
    Stack stack;
    const std::string d = stack.driver_token("13812345678");
    const long long id = stack.driver_id(d);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers", d), 403);
    KW_EXPECT_STATUS(adjust(stack, id, 100000, d), 403);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/employees", d), 403);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/audit", d), 403);
    EXPECT_EQ(stack.balance(d), 0);
}

TEST(AccountsAdmin, AdminCreatesAnEmployeeAndResetsTheirPassword) {
    Stack stack;
    auto created = stack.http().post(
        "/api/v1/admin/employees",
        body({{"login", "ops.li-1"}, {"password", "First-pass1"}, {"name", "李四"}, {"role", "operator"}}),
        stack.admin_token());
    KW_EXPECT_STATUS(created, 201);
    auto e = created.json();
    const long long id = e.at("id").as_int64();
    EXPECT_EQ(str(e, "login"), "ops.li-1");
    EXPECT_EQ(str(e, "name"), "李四");
    EXPECT_EQ(str(e, "role"), "operator");
    EXPECT_TRUE(e.at("enabled").as_bool());
    EXPECT_FALSE(e.as_object().contains("password"));

    auto first = staff_login(stack, "ops.li-1", "First-pass1");
    KW_EXPECT_STATUS(first, 200);
    const std::string old_token = str(first.json(), "token");

    KW_EXPECT_STATUS(stack.http().post("/api/v1/admin/employees/" + std::to_string(id) + "/reset-password",
                                       body({{"password", "Second-pass2"}}), stack.admin_token()),
                     204);
    KW_EXPECT_STATUS(staff_login(stack, "ops.li-1", "First-pass1"), 401);
    KW_EXPECT_STATUS(staff_login(stack, "ops.li-1", "Second-pass2"), 200);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", old_token), 401);

    KW_EXPECT_STATUS(stack.http().post("/api/v1/admin/employees/" + std::to_string(id) + "/reset-password",
                                       body({{"password", "weak"}}), stack.admin_token()),
                     400);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/admin/employees/9999/reset-password",
                                       body({{"password", "Third-pass3"}}), stack.admin_token()),
                     404);

    auto actions = audit_items(stack, "?employee_id=1");
    std::vector<std::string> seen;
    for (const auto& a : actions) seen.push_back(str(a, "action"));
    EXPECT_NE(std::find(seen.begin(), seen.end(), "employee.create"), seen.end());
    EXPECT_NE(std::find(seen.begin(), seen.end(), "employee.reset_password"), seen.end());
}

TEST(AccountsAdmin, InvalidOrDuplicateEmployeesAreRejected) {
    Stack stack;
    const std::string admin = stack.admin_token();
    auto make = [&](const std::string& login, const std::string& password, const std::string& role,
                    const std::string& name = "N") {
        return stack.http().post(
            "/api/v1/admin/employees",
            body({{"login", login}, {"password", password}, {"name", name}, {"role", role}}), admin);
    };
    KW_EXPECT_STATUS(make("dup", "Good-pass1", "operator"), 201);
    auto dup = make("dup", "Other-pass2", "maintainer");
    KW_EXPECT_STATUS(dup, 409);
    KW_EXPECT_STATUS(make("ab", "Good-pass1", "operator"), 400);
    KW_EXPECT_STATUS(make(std::string(51, 'a'), "Good-pass1", "operator"), 400);
    KW_EXPECT_STATUS(make("x'); DROP TABLE employees;--", "Good-pass1", "operator"), 400);
    KW_EXPECT_STATUS(make("newbie", "weakpass", "operator"), 400);
    KW_EXPECT_STATUS(make("newbie", "Good-pass1", "driver"), 400);
    KW_EXPECT_STATUS(make("newbie", "Good-pass1", "superuser"), 400);
    KW_EXPECT_STATUS(make("newbie", "Good-pass1", "operator", ""), 400);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/admin/employees", body({{"login", "newbie"}}), admin), 400);
    auto list = stack.http().get("/api/v1/admin/employees", admin);
    KW_EXPECT_STATUS(list, 200);
    EXPECT_EQ(list.json().at("total").as_int64(), 2);  // admin + dup
    auto q = stack.http().get("/api/v1/admin/employees?q=du", admin);
    ASSERT_EQ(q.json().at("total").as_int64(), 1);
    EXPECT_EQ(str(q.json().at("items").at(0), "login"), "dup");
}

TEST(AccountsAdmin, AdminCannotDisableOrDemoteThemself) {
    Stack stack;
    const std::string admin = stack.admin_token();
    const long long self = stack.http().get("/api/v1/me", admin).json().at("id").as_int64();
    const std::string path = "/api/v1/admin/employees/" + std::to_string(self);
    KW_EXPECT_STATUS(stack.http().put(path, body({{"enabled", false}}), admin), 409);
    KW_EXPECT_STATUS(stack.http().put(path, body({{"role", "operator"}}), admin), 409);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/employees", admin), 200);
    auto renamed =
        stack.http().put(path, body({{"name", "Chief"}, {"role", "admin"}, {"enabled", true}}), admin);
    KW_EXPECT_STATUS(renamed, 200);
    EXPECT_EQ(str(renamed.json(), "name"), "Chief");
    EXPECT_EQ(str(renamed.json(), "role"), "admin");
    KW_EXPECT_STATUS(stack.http().put("/api/v1/admin/employees/9999", body({{"name", "X"}}), admin), 404);
    KW_EXPECT_STATUS(stack.http().put(path, body({{"enabled", "no"}}), admin), 400);
}

TEST(AccountsAdmin, DisablingOrChangingTheRoleOfAnEmployeeRevokesTheirTokens) {
    Stack stack;
    const std::string admin = stack.admin_token();
    const long long ops = create_employee(stack, "ops1", "Ops-pass11", "operator");
    const long long maint = create_employee(stack, "maint1", "Maint-pass1", "maintainer");
    const std::string ops_token = str(staff_login(stack, "ops1", "Ops-pass11").json(), "token");
    const std::string maint_token = str(staff_login(stack, "maint1", "Maint-pass1").json(), "token");
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers", ops_token), 200);

    auto off =
        stack.http().put("/api/v1/admin/employees/" + std::to_string(ops), body({{"enabled", false}}), admin);
    KW_EXPECT_STATUS(off, 200);
    EXPECT_FALSE(off.json().at("enabled").as_bool());
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers", ops_token), 401);
    KW_EXPECT_STATUS(staff_login(stack, "ops1", "Ops-pass11"), 403);

    // A promoted maintainer must log in again to act with the new role.
    auto up = stack.http().put("/api/v1/admin/employees/" + std::to_string(maint),
                               body({{"role", "operator"}}), admin);
    KW_EXPECT_STATUS(up, 200);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", maint_token), 401);
    const std::string promoted = str(staff_login(stack, "maint1", "Maint-pass1").json(), "token");
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers", promoted), 200);

    auto changes = audit_items(stack, "?action=employee.update");
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(str(changes.at(0), "target"), "employee:" + std::to_string(maint));
    EXPECT_EQ(str(changes.at(0).at("detail").at("changes").at("role"), "to"), "operator");
    EXPECT_EQ(changes.at(1).at("detail").at("changes").at("enabled").at("to").as_bool(), false);
}

TEST(AccountsAdmin, DriverSearchDetailAndFilters) {
    Stack stack;
    const std::string admin = stack.admin_token();
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", "Passw0rd1", "Alice Wang"), 201);
    KW_EXPECT_STATUS(register_driver(stack, "13812349999", "Passw0rd1", "Bob"), 201);
    auto carol = register_driver(stack, "15900001111", "Passw0rd1", "carol_50%");
    KW_EXPECT_STATUS(carol, 201);
    const long long carol_id = carol.json().at("driver").at("id").as_int64();

    auto all = stack.http().get("/api/v1/admin/drivers", admin);
    KW_EXPECT_STATUS(all, 200);
    EXPECT_EQ(all.json().at("total").as_int64(), 3);
    EXPECT_EQ(all.json().at("items").at(0).at("id").as_int64(), carol_id);  // newest first
    EXPECT_EQ(str(all.json().at("items").at(0), "phone"), "15900001111");   // staff see the full phone

    EXPECT_EQ(stack.http().get("/api/v1/admin/drivers?q=1381234", admin).json().at("total").as_int64(), 2);
    EXPECT_EQ(stack.http().get("/api/v1/admin/drivers?q=5678", admin).json().at("total").as_int64(),
              0);  // prefix only
    EXPECT_EQ(stack.http().get("/api/v1/admin/drivers?q=Wang", admin).json().at("total").as_int64(), 1);
    EXPECT_EQ(stack.http().get("/api/v1/admin/drivers?q=50%25", admin).json().at("total").as_int64(), 1);
    EXPECT_EQ(stack.http().get("/api/v1/admin/drivers?q=l_", admin).json().at("total").as_int64(),
              1);  // "carol_"

    KW_EXPECT_STATUS(stack.http().post(driver_path(carol_id, "/disable"), "", admin), 200);
    auto disabled = stack.http().get("/api/v1/admin/drivers?status=disabled", admin);
    ASSERT_EQ(disabled.json().at("total").as_int64(), 1);
    EXPECT_EQ(disabled.json().at("items").at(0).at("id").as_int64(), carol_id);
    EXPECT_EQ(
        stack.http().get("/api/v1/admin/drivers?status=active&q=138", admin).json().at("total").as_int64(),
        2);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers?status=gone", admin), 400);
    auto paged = stack.http().get("/api/v1/admin/drivers?page=2&page_size=2", admin);
    EXPECT_EQ(paged.json().at("items").as_array().size(), 1u);

    auto detail = stack.http().get(driver_path(carol_id), admin);
    KW_EXPECT_STATUS(detail, 200);
    EXPECT_EQ(str(detail.json(), "nickname"), "carol_50%");
    EXPECT_EQ(str(detail.json(), "status"), "disabled");
    EXPECT_EQ(detail.json().at("balance_fen").as_int64(), 0);
    EXPECT_EQ(detail.json().at("order_count").as_int64(), 0);
    EXPECT_EQ(detail.json().at("active_order_count").as_int64(), 0);
    KW_EXPECT_STATUS(stack.http().get(driver_path(carol_id + 100), admin), 404);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers/x", admin), 404);
    KW_EXPECT_STATUS(stack.http().get(driver_path(carol_id + 100, "/ledger"), admin), 404);
    KW_EXPECT_STATUS(stack.http().post(driver_path(carol_id + 100, "/disable"), "", admin), 404);

    auto audit = audit_items(stack, "?action=driver.disable");
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(str(audit.at(0).at("detail"), "from"), "active");
    EXPECT_EQ(str(audit.at(0).at("detail"), "to"), "disabled");
}

TEST(AccountsAdmin, AuditLogFiltersByEmployeeActionAndTime) {
    Stack stack;
    const std::string admin = stack.admin_token();
    const long long driver = stack.driver_id(stack.driver_token("13812345678"));
    const std::string op = stack.staff_token("operator");  // employee.create by admin
    KW_EXPECT_STATUS(adjust(stack, driver, 500, op), 201);
    KW_EXPECT_STATUS(adjust(stack, driver, 700, admin), 201);

    auto all = audit_items(stack);
    ASSERT_GE(all.size(), 4u);  // bootstrap, employee.create, 2 adjustments
    for (std::size_t i = 0; i + 1 < all.size(); ++i)
        EXPECT_GT(all[i].at("id").as_int64(), all[i + 1].at("id").as_int64());
    EXPECT_EQ(str(all.back(), "action"), "employee.bootstrap");
    const long long op_id = stack.http().get("/api/v1/me", op).json().at("id").as_int64();
    auto by_op = audit_items(stack, "?employee_id=" + std::to_string(op_id));
    ASSERT_EQ(by_op.size(), 1u);
    EXPECT_EQ(by_op.at(0).at("detail").at("delta_fen").as_int64(), 500);
    EXPECT_EQ(audit_items(stack, "?action=driver.adjust_balance").size(), 2u);
    EXPECT_EQ(audit_items(stack, "?action=driver.adjust_balance&employee_id=" + std::to_string(op_id)).size(),
              1u);
    EXPECT_TRUE(audit_items(stack, "?from=2999-01-01T00:00:00Z").empty());
    EXPECT_TRUE(audit_items(stack, "?to=2000-01-01T00:00:00Z").empty());
    EXPECT_EQ(audit_items(stack, "?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z").size(), all.size());
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/audit?from=yesterday", admin), 400);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/audit?employee_id=abc", admin), 400);
    auto page = stack.http().get("/api/v1/admin/audit?page_size=1&page=2", admin).json();
    EXPECT_EQ(page.at("total").as_int64(), static_cast<long long>(all.size()));
    EXPECT_EQ(page.at("items").at(0).at("id").as_int64(), all.at(1).at("id").as_int64());
}

}  // namespace
}  // namespace kw::test

namespace kw::test {
namespace {

using namespace accounts;

// The same SQL on MariaDB: registration, duplicate detection, LIKE search with escaping, paging,
// employees, top-ups, adjustments and audit filters.
TEST(AccountsAdmin, AccountsFlowWorksOnMariaDb) {
    StackOptions options;
    options.mariadb = true;
    Stack stack(options);
    const std::string admin = stack.admin_token();
    auto reg = register_driver(stack, "13812345678", "Passw0rd1", "x'); DROP TABLE drivers;--");
    KW_EXPECT_STATUS(reg, 201);
    const std::string token = str(reg.json(), "token");
    const long long id = reg.json().at("driver").at("id").as_int64();
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", "Passw0rd1"), 409);
    KW_EXPECT_STATUS(register_driver(stack, "13912345678", "Passw0rd1", "50% off"), 201);
    KW_EXPECT_STATUS(driver_login(stack, "13812345678", "Passw0rd1"), 200);
    KW_EXPECT_STATUS(driver_login(stack, "13812345678", "Wr0ngPass"), 401);

    EXPECT_EQ(stack.http().get("/api/v1/admin/drivers?q=DROP", admin).json().at("total").as_int64(), 1);
    EXPECT_EQ(stack.http().get("/api/v1/admin/drivers?q=0%25", admin).json().at("total").as_int64(), 1);
    EXPECT_EQ(stack.http().get("/api/v1/admin/drivers?q=139", admin).json().at("total").as_int64(), 1);
    EXPECT_EQ(stack.http()
                  .get("/api/v1/admin/drivers?page_size=1&page=2", admin)
                  .json()
                  .at("items")
                  .as_array()
                  .size(),
              1u);

    stack.topup(token, 2000);
    KW_EXPECT_STATUS(adjust(stack, id, -2001, admin), 402);
    KW_EXPECT_STATUS(adjust(stack, id, -500, admin), 201);
    EXPECT_EQ(stack.balance(token), 1500);
    EXPECT_EQ(ledger_sum(stack, "/api/v1/wallet/ledger", token), 1500);

    create_employee(stack, "ops1", "Ops-pass11", "operator");
    auto dup = stack.http().post(
        "/api/v1/admin/employees",
        body({{"login", "ops1"}, {"password", "Ops-pass11"}, {"name", "n"}, {"role", "operator"}}), admin);
    KW_EXPECT_STATUS(dup, 409);
    EXPECT_EQ(stack.http().get("/api/v1/admin/employees?q=ops", admin).json().at("total").as_int64(), 1);
    EXPECT_EQ(audit_items(stack, "?action=driver.adjust_balance&employee_id=1").size(), 1u);
    EXPECT_TRUE(audit_items(stack, "?from=2999-01-01T00:00:00Z").empty());
    KW_EXPECT_STATUS(stack.http().post(driver_path(id, "/disable"), "", admin), 200);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", token), 401);
}

}  // namespace
}  // namespace kw::test
