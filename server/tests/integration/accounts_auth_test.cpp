// Driver and staff authentication through the real server: register, login, logout, /me, token
// revocation, validation, and that no password or hash ever leaves the server.
#include <gtest/gtest.h>

#include "accounts_helpers.hpp"

namespace kw::test {
namespace {

using namespace accounts;

constexpr const char* kPassword = "Passw0rd1";

TEST(AccountsAuth, DriverRegistersLogsInReadsProfileAndLogsOut) {
    Stack stack;
    auto reg = register_driver(stack, "13812345678", kPassword, "Li Lei");
    KW_EXPECT_STATUS(reg, 201);
    auto j = reg.json();
    const std::string token = str(j, "token");
    EXPECT_EQ(token.size(), 64u);
    EXPECT_FALSE(str(j, "expires_at").empty());
    const auto& d = j.at("driver");
    EXPECT_GT(d.at("id").as_int64(), 0);
    EXPECT_EQ(str(d, "phone"), "138****5678");
    EXPECT_EQ(str(d, "nickname"), "Li Lei");
    EXPECT_EQ(str(d, "status"), "active");
    EXPECT_EQ(d.at("balance_fen").as_int64(), 0);
    EXPECT_FALSE(str(d, "created_at").empty());

    auto me = stack.http().get("/api/v1/me", token);
    KW_EXPECT_STATUS(me, 200);
    EXPECT_EQ(me.json().at("id").as_int64(), d.at("id").as_int64());
    EXPECT_EQ(str(me.json(), "phone"), "138****5678");
    EXPECT_EQ(str(me.json(), "kind"), "driver");
    EXPECT_EQ(me.json().at("balance_fen").as_int64(), 0);

    auto login = driver_login(stack, "13812345678", kPassword);
    KW_EXPECT_STATUS(login, 200);
    const std::string token2 = str(login.json(), "token");
    EXPECT_NE(token2, token);
    EXPECT_EQ(login.json().at("driver").at("id").as_int64(), d.at("id").as_int64());

    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/logout", "", token), 204);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", token), 401);
    // The other session is untouched.
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", token2), 200);
}

TEST(AccountsAuth, NicknameDefaultsFromThePhone) {
    Stack stack;
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13900001234"}})), 202);
    auto r = stack.http().post(
        "/api/v1/auth/driver/register",
        body({{"phone", "13900001234"}, {"code", stack.sms_code("13900001234")}, {"password", kPassword}}));
    KW_EXPECT_STATUS(r, 201);
    EXPECT_EQ(str(r.json().at("driver"), "nickname"), "用户1234");
}

TEST(AccountsAuth, DuplicatePhoneIsAlreadyExists) {
    Stack stack;
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", kPassword), 201);
    auto again = register_driver(stack, "13812345678", "0therPassword");
    KW_EXPECT_STATUS(again, 409);
    EXPECT_EQ(str(again.json(), "code"), "already_exists");
    // The first password still works, the second never took effect.
    KW_EXPECT_STATUS(driver_login(stack, "13812345678", kPassword), 200);
    KW_EXPECT_STATUS(driver_login(stack, "13812345678", "0therPassword"), 401);
}

TEST(AccountsAuth, InvalidRegistrationsAreBadRequests) {
    Stack stack;
    auto& http = stack.http();
    const std::string path = "/api/v1/auth/driver/register";
    for (const char* phone :
         {"12812345678", "1381234567", "138123456789", "+8613812345678", "1381234567a", ""}) {
        auto r = register_driver(stack, phone, kPassword);
        KW_EXPECT_STATUS(r, 400);
        EXPECT_EQ(str(r.json(), "code"), "bad_request") << phone;
    }
    for (const char* weak : {"short1", "onlyletters", "1234567890", ""})
        KW_EXPECT_STATUS(register_driver(stack, "13812345678", weak), 400);
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", std::string(65, 'a') + "1"), 400);
    KW_EXPECT_STATUS(http.post(path, "{not json"), 400);
    KW_EXPECT_STATUS(http.post(path, "[]"), 400);
    KW_EXPECT_STATUS(http.post(path, body({{"phone", 13812345678LL}, {"password", kPassword}})), 400);
    KW_EXPECT_STATUS(http.post(path, body({{"phone", "13812345678"}, {"password", 12345678}})), 400);
    KW_EXPECT_STATUS(http.post(path, body({{"password", kPassword}})), 400);
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", kPassword, std::string(51, 'x')), 400);
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", kPassword, "   "), 400);
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", kPassword, "tab\tand\nnewline"), 400);
    // None of those created the account.
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", kPassword), 201);
}

TEST(AccountsAuth, WrongPhoneAndWrongPasswordGiveTheSame401) {
    Stack stack;
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", kPassword), 201);
    auto wrong_password = driver_login(stack, "13812345678", "Wr0ngPassword");
    auto wrong_phone = driver_login(stack, "13999999999", kPassword);
    auto malformed_phone = driver_login(stack, "hello", kPassword);
    KW_EXPECT_STATUS(wrong_password, 401);
    KW_EXPECT_STATUS(wrong_phone, 401);
    KW_EXPECT_STATUS(malformed_phone, 401);
    EXPECT_EQ(wrong_password.body, wrong_phone.body);
    EXPECT_EQ(wrong_password.body, malformed_phone.body);

    KW_EXPECT_STATUS(staff_login(stack, Stack::kAdminLogin, "Wr0ngPassword"), 401);
    auto staff_wrong_login = staff_login(stack, "nobody", Stack::kAdminPassword);
    KW_EXPECT_STATUS(staff_wrong_login, 401);
    EXPECT_EQ(staff_login(stack, Stack::kAdminLogin, "Wr0ngPassword").body, staff_wrong_login.body);
}

TEST(AccountsAuth, DisabledDriverCannotLogInAndTheirTokenStopsWorking) {
    Stack stack;
    auto reg = register_driver(stack, "13812345678", kPassword);
    KW_EXPECT_STATUS(reg, 201);
    const std::string token = str(reg.json(), "token");
    const long long id = reg.json().at("driver").at("id").as_int64();
    auto second = driver_login(stack, "13812345678", kPassword);
    const std::string token2 = str(second.json(), "token");
    KW_EXPECT_STATUS(stack.http().get("/api/v1/wallet", token), 200);

    auto off = stack.http().post("/api/v1/admin/drivers/" + std::to_string(id) + "/disable", "",
                                 stack.admin_token());
    KW_EXPECT_STATUS(off, 200);
    EXPECT_EQ(str(off.json(), "status"), "disabled");

    KW_EXPECT_STATUS(stack.http().get("/api/v1/wallet", token), 401);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", token2), 401);
    auto login = driver_login(stack, "13812345678", kPassword);
    KW_EXPECT_STATUS(login, 403);
    EXPECT_EQ(str(login.json(), "code"), "account_disabled");
    // The wrong password is still just 401: being disabled is told only to the password holder.
    KW_EXPECT_STATUS(driver_login(stack, "13812345678", "Wr0ngPassword"), 401);

    KW_EXPECT_STATUS(
        stack.http().post("/api/v1/admin/drivers/" + std::to_string(id) + "/enable", "", stack.admin_token()),
        200);
    KW_EXPECT_STATUS(driver_login(stack, "13812345678", kPassword), 200);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", token), 401);  // old tokens stay revoked
}

TEST(AccountsAuth, SqlInjectionShapedNicknameIsStoredVerbatim) {
    Stack stack;
    const std::string nasty = "x'); DROP TABLE drivers;--";
    auto reg = register_driver(stack, "13812345678", kPassword, nasty);
    KW_EXPECT_STATUS(reg, 201);
    EXPECT_EQ(str(reg.json().at("driver"), "nickname"), nasty);
    auto me = stack.http().get("/api/v1/me", str(reg.json(), "token"));
    EXPECT_EQ(str(me.json(), "nickname"), nasty);
    // The table is still there and searchable by the same text.
    KW_EXPECT_STATUS(register_driver(stack, "13812345679", kPassword, "second"), 201);
    auto list = stack.http().get("/api/v1/admin/drivers?q=DROP%20TABLE", stack.admin_token());
    KW_EXPECT_STATUS(list, 200);
    ASSERT_EQ(list.json().at("total").as_int64(), 1);
    EXPECT_EQ(str(list.json().at("items").at(0), "nickname"), nasty);
    // LIKE wildcards in q are literal.
    auto pct = stack.http().get("/api/v1/admin/drivers?q=%25", stack.admin_token());
    EXPECT_EQ(pct.json().at("total").as_int64(), 0);
}

TEST(AccountsAuth, StaffLoginAndProfileListTheRolesPermissions) {
    Stack stack;
    auto admin = staff_login(stack, Stack::kAdminLogin, Stack::kAdminPassword);
    KW_EXPECT_STATUS(admin, 200);
    const json::value e = admin.json().at("employee");
    EXPECT_EQ(str(e, "login"), Stack::kAdminLogin);
    EXPECT_EQ(str(e, "role"), "admin");
    EXPECT_TRUE(e.at("enabled").as_bool());
    EXPECT_FALSE(e.as_object().contains("password_hash"));

    auto me = stack.http().get("/api/v1/me", str(admin.json(), "token"));
    KW_EXPECT_STATUS(me, 200);
    EXPECT_EQ(str(me.json(), "kind"), "staff");
    EXPECT_EQ(me.json().at("permissions").as_array().size(), 12u);

    create_employee(stack, "maint1", "Maint-pass1", "maintainer");
    auto m = staff_login(stack, "maint1", "Maint-pass1");
    KW_EXPECT_STATUS(m, 200);
    auto mme = stack.http().get("/api/v1/me", str(m.json(), "token"));
    KW_EXPECT_STATUS(mme, 200);
    EXPECT_EQ(str(mme.json(), "role"), "maintainer");
    json::array expected{"network_read", "network_write", "charger_control", "orders_read", "dashboard_read"};
    EXPECT_EQ(mme.json().at("permissions").as_array(), expected);
}

TEST(AccountsAuth, MissingGarbageAndLoggedOutTokensAre401) {
    Stack stack;
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me"), 401);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", "not-a-token"), 401);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", std::string(64, 'a')), 401);
    const std::string admin = stack.admin_token();
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/logout", "", admin), 204);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/drivers", admin), 401);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/logout", "", admin), 401);
}

TEST(AccountsAuth, PasswordsAndHashesNeverAppearInResponsesOrLogs) {
    Stack stack;
    const std::string driver_password = "Unique-Drv-Secret-77";
    const std::string staff_password = "Unique-Stf-Secret-88";
    std::string all;
    auto keep = [&](const HttpResult& r) {
        all += r.body;
        return r;
    };
    keep(register_driver(stack, "13812345678", driver_password));
    const std::string token = str(keep(driver_login(stack, "13812345678", driver_password)).json(), "token");
    keep(stack.http().get("/api/v1/me", token));
    keep(driver_login(stack, "13812345678", "Wr0ng-Secret-99"));
    const long long id = create_employee(stack, "ops1", staff_password, "operator");
    keep(stack.http().get("/api/v1/admin/employees", stack.admin_token()));
    keep(stack.http().post("/api/v1/admin/employees/" + std::to_string(id) + "/reset-password",
                           body({{"password", "Unique-New-Secret-99"}}), stack.admin_token()));
    keep(stack.http().get("/api/v1/admin/drivers", stack.admin_token()));
    keep(stack.http().get("/api/v1/admin/audit", stack.admin_token()));
    const std::string log = stack.server_log();
    for (const std::string& secret : {driver_password, staff_password, std::string("Unique-New-Secret-99"),
                                      std::string("Wr0ng-Secret-99"), std::string(Stack::kAdminPassword),
                                      std::string("$argon2"), std::string("password_hash")}) {
        EXPECT_EQ(all.find(secret), std::string::npos) << secret;
        EXPECT_EQ(log.find(secret), std::string::npos) << secret;
    }
    EXPECT_EQ(log.find(token), std::string::npos);
}

}  // namespace
}  // namespace kw::test
