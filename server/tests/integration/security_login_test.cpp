// Attacks on sign-in and registration through the real server (Redis with a password, SQLite):
// password guessing is throttled per account and per client address with growing delays (429 +
// Retry-After), staff failures are audited, registration needs an SMS code and does not tell which
// phones are taken, and a session record written straight into Redis is not a session.
#include <gtest/gtest.h>

#include <thread>

#include "accounts_helpers.hpp"
#include "live/redis.hpp"
#include "service/account_rules.hpp"

namespace kw::test {
namespace {

using namespace accounts;
using namespace std::chrono_literals;

long long retry_after(const HttpResult& r) { return std::stoll(r.header("Retry-After")); }

// Attack: thirty wrong admin passwords in a row used to get thirty 401s and no delay.
TEST(SecurityLogin, StaffGuessingIsThrottledWithGrowingDelaysAndAudited) {
    StackOptions options;
    options.server_flags = {"--limits.login_free_failures=3"};
    Stack stack(options);
    stack.admin_token();  // signed in before the attack
    for (int i = 0; i < 3; ++i) KW_EXPECT_STATUS(staff_login(stack, Stack::kAdminLogin, "Wr0ng-pass"), 401);
    auto throttled = staff_login(stack, Stack::kAdminLogin, "Wr0ng-pass");
    KW_EXPECT_STATUS(throttled, 429);
    EXPECT_EQ(str(throttled.json(), "code"), "too_many_requests");
    EXPECT_EQ(retry_after(throttled), 1);
    // While throttled even the right password waits: guessing cannot be sped up.
    KW_EXPECT_STATUS(staff_login(stack, Stack::kAdminLogin, Stack::kAdminPassword), 429);

    std::this_thread::sleep_for(1100ms);
    KW_EXPECT_STATUS(staff_login(stack, Stack::kAdminLogin, "Wr0ng-pass"), 401);  // 4th failure
    auto longer = staff_login(stack, Stack::kAdminLogin, "Wr0ng-pass");
    KW_EXPECT_STATUS(longer, 429);
    EXPECT_EQ(retry_after(longer), 2);  // the delay doubled

    std::this_thread::sleep_for(2100ms);
    KW_EXPECT_STATUS(staff_login(stack, Stack::kAdminLogin, Stack::kAdminPassword), 200);
    // A success clears the account's counter.
    KW_EXPECT_STATUS(staff_login(stack, Stack::kAdminLogin, "Wr0ng-pass"), 401);
    KW_EXPECT_STATUS(staff_login(stack, Stack::kAdminLogin, Stack::kAdminPassword), 200);

    auto audit = stack.http().get("/api/v1/admin/audit?action=employee.login_failed&page_size=100",
                                  stack.admin_token());
    KW_EXPECT_STATUS(audit, 200);
    EXPECT_EQ(audit.json().at("total").as_int64(), 5);
    // Unknown logins are throttled too but not written to the audit log.
    KW_EXPECT_STATUS(staff_login(stack, "nobody", "Wr0ng-pass"), 401);
    EXPECT_EQ(stack.http()
                  .get("/api/v1/admin/audit?action=employee.login_failed&page_size=100", stack.admin_token())
                  .json()
                  .at("total")
                  .as_int64(),
              5);
}

// Spraying one password over many phones from one address trips the per-address limit.
TEST(SecurityLogin, GuessingAcrossManyAccountsIsThrottledPerClientAddress) {
    StackOptions options;
    options.server_flags = {"--limits.ip_free_failures=4"};
    Stack stack(options);
    stack.driver_token("13800000009");
    for (int i = 0; i < 4; ++i)
        KW_EXPECT_STATUS(driver_login(stack, "1380000000" + std::to_string(i), "Passw0rd1"), 401);
    auto throttled = driver_login(stack, "13800000005", "Passw0rd1");
    KW_EXPECT_STATUS(throttled, 429);
    EXPECT_GE(retry_after(throttled), 1);
    KW_EXPECT_STATUS(driver_login(stack, "13800000009", Stack::kDriverPassword), 429);
}

// Attack: registration answered 409 for a taken phone (phone enumeration) with no proof of
// ownership. Asking for a code now answers the same for a taken and a free phone.
TEST(SecurityLogin, SmsCodeRequestAnswersTheSameForATakenAndAFreePhone) {
    Stack stack;
    KW_EXPECT_STATUS(register_driver(stack, "13812345678", "Passw0rd1"), 201);
    auto taken = stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13812345678"}}));
    auto free = stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13912345678"}}));
    KW_EXPECT_STATUS(taken, 202);
    KW_EXPECT_STATUS(free, 202);
    EXPECT_EQ(taken.body, free.body);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", "12345"}})), 400);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13912345678"}, {"purpose", "x"}})),
                     400);
}

TEST(SecurityLogin, RegistrationNeedsTheRightCodeAndFiveWrongTriesBurnIt) {
    Stack stack;
    const std::string phone = "13812345678";
    auto reg = [&](const std::string& code) {
        return stack.http().post("/api/v1/auth/driver/register",
                                 body({{"phone", phone}, {"code", code}, {"password", "Passw0rd1"}}));
    };
    auto no_code = reg("");
    KW_EXPECT_STATUS(no_code, 400);
    EXPECT_EQ(str(no_code.json(), "code"), "invalid_sms_code");
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", phone}})), 202);
    const std::string code = stack.sms_code(phone);
    ASSERT_EQ(code.size(), 6u);
    const std::string wrong = code == "000000" ? "111111" : "000000";
    for (int i = 0; i < 5; ++i) {
        auto r = reg(wrong);
        KW_EXPECT_STATUS(r, 400);
        EXPECT_EQ(str(r.json(), "code"), "invalid_sms_code");
    }
    KW_EXPECT_STATUS(reg(code), 400);  // burnt
    KW_EXPECT_STATUS(driver_login(stack, phone, "Passw0rd1"), 401);  // nothing was created
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", phone}})), 202);
    KW_EXPECT_STATUS(reg(stack.sms_code(phone)), 201);
    KW_EXPECT_STATUS(reg(stack.sms_code(phone)), 400);  // a code works once
}

TEST(SecurityLogin, AskingForCodesTooOftenIsThrottled) {
    StackOptions options;
    options.server_flags = {"--sms.resend_s=60", "--limits.sms_per_ip_per_hour=3"};
    Stack stack(options);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13800000001"}})), 202);
    auto again = stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13800000001"}}));
    KW_EXPECT_STATUS(again, 429);
    EXPECT_GT(retry_after(again), 50);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13800000002"}})), 202);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13800000003"}})), 202);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/sms-code", body({{"phone", "13800000004"}})), 429);
}

// Attack: whoever could write kw:token:<sha256> into Redis created an admin session. Records are
// now signed with the installation's secret (kept in SQL).
TEST(SecurityLogin, SessionRecordWrittenStraightIntoRedisIsNotASession) {
    Stack stack;
    const std::string real = stack.admin_token();
    live::RedisConfig config;
    config.port = stack.redis().port();
    config.password = stack.redis().password();
    live::Redis redis(config);
    const std::string forged = std::string(64, 'a');
    const std::string key = "kw:token:" + service::sha256_hex(forged);
    redis.command({"SET", key, "admin:1"});
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", forged), 401);
    // Copying a real record's signature to another token does not work either: it signs the token.
    auto record = redis.command({"GET", "kw:token:" + service::sha256_hex(real)});
    ASSERT_FALSE(record.is_nil());
    redis.command({"SET", key, record.str});
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/employees", forged), 401);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/admin/employees", real), 200);
}

}  // namespace
}  // namespace kw::test

namespace kw::test {
namespace {

// One answer for a known path with another method, on the API as on /healthz: 405.
TEST(ApiErrors, KnownPathWithAnotherMethodIs405Everywhere) {
    Stack stack;
    const std::string driver = stack.driver_token("13812345678");
    auto api = stack.http().del("/api/v1/me", driver);
    KW_EXPECT_STATUS(api, 405);
    EXPECT_EQ(accounts::str(api.json(), "code"), "method_not_allowed");
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/logout-nowhere", "{}", driver), 404);
    KW_EXPECT_STATUS(stack.http().post("/healthz", "{}"), 405);
    KW_EXPECT_STATUS(stack.http().post("/readyz", "{}"), 405);
}

}  // namespace
}  // namespace kw::test
