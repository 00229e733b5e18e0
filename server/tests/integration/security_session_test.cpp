// Sessions that must end when they are revoked, through the real server: open WebSockets are closed
// on logout, disable and role change (on every instance of a cluster) and re-check their session
// before every subscription; WebSocket tickets work once; an account disabled in SQL is refused
// even while Redis still holds its token; the last admin cannot be demoted; /readyz tells a load
// balancer when a dependency is down.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "accounts_helpers.hpp"
#include "store/db.hpp"

namespace kw::test {
namespace {

using namespace accounts;
using namespace std::chrono_literals;

constexpr int kRevoked = 4001;

bool closed_with(WsClient& ws, int code) {
    bool closed = eventually([&] {
        ws.receive(100ms);
        return ws.closed();
    }, 10s);
    return closed && ws.close_code() == code;
}

void subscribe(WsClient& ws, const std::string& channel) {
    ws.send(body({{"op", "subscribe"}, {"channel", channel}}));
    auto reply = ws.receive_json_until([](const json::value& m) { return m.as_object().contains("op"); }, 5s);
    ASSERT_EQ(str(reply, "op"), "subscribed") << json::serialize(reply);
}

// Attack, tried live: an operator's socket opened before logout subscribed to `dashboard` after it.
TEST(SecuritySession, LogoutClosesTheOpenWebSocket) {
    Stack stack;
    const std::string operator_token = stack.staff_token("operator");
    WsClient ws("127.0.0.1", stack.http_port(), stack.ws_target(operator_token));
    subscribe(ws, "dashboard");
    KW_EXPECT_STATUS(stack.http().post("/api/v1/auth/logout", "", operator_token), 204);
    EXPECT_TRUE(closed_with(ws, kRevoked)) << "close code " << ws.close_code();
}

TEST(SecuritySession, DisablingADriverClosesTheirWebSocketOnAnotherInstance) {
    Stack stack(StackOptions{false, {"--server.cluster=true"}});
    const int second_port = free_port();
    auto second = stack.start_extra_server(second_port, "second");
    const std::string driver = stack.driver_token("13812345678");
    const long long id = stack.driver_id(driver);
    // The ticket was issued by the first instance and is redeemed by the second (shared Redis).
    WsClient ws("127.0.0.1", second_port, stack.ws_target(driver));
    subscribe(ws, "station:1");
    KW_EXPECT_STATUS(stack.http().post("/api/v1/admin/drivers/" + std::to_string(id) + "/disable", "",
                                       stack.admin_token()),
                     200);
    EXPECT_TRUE(closed_with(ws, kRevoked)) << "close code " << ws.close_code();
}

TEST(SecuritySession, RoleChangeClosesTheEmployeesWebSocket) {
    Stack stack;
    const long long id = create_employee(stack, "ops1", "Ops-pass11", "operator");
    const std::string token = str(staff_login(stack, "ops1", "Ops-pass11").json(), "token");
    WsClient ws("127.0.0.1", stack.http_port(), stack.ws_target(token));
    subscribe(ws, "dashboard");
    KW_EXPECT_STATUS(stack.http().put("/api/v1/admin/employees/" + std::to_string(id),
                                      body({{"role", "maintainer"}}), stack.admin_token()),
                     200);
    EXPECT_TRUE(closed_with(ws, kRevoked));
}

TEST(SecuritySession, WebSocketTicketWorksOnceAndTheTokenIsNotAcceptedInTheUrl) {
    Stack stack;
    const std::string driver = stack.driver_token("13812345678");
    const std::string target = stack.ws_target(driver);
    { WsClient first("127.0.0.1", stack.http_port(), target); }
    auto refused = [&](const std::string& t) {
        try {
            WsClient again("127.0.0.1", stack.http_port(), t);
            return 0;
        } catch (const WsUpgradeError& e) {
            return e.status;
        }
    };
    EXPECT_EQ(refused(target), 401);
    EXPECT_EQ(refused("/api/v1/ws?token=" + driver), 401);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/ws-ticket", "{}"), 401);
    // Non-browser clients may still send the token in a header.
    WsClient by_header("127.0.0.1", stack.http_port(), "/api/v1/ws", driver);
    subscribe(by_header, "station:1");
}

// Defence in depth: even if a revocation in Redis were missed, every request re-checks the account.
TEST(SecuritySession, AccountDisabledInTheDatabaseIsRefusedWhileRedisStillHoldsItsToken) {
    StackOptions options;
    options.server_flags = {"--auth.status_cache_ms=0"};
    Stack stack(options);
    const std::string driver = stack.driver_token("13812345678");
    const long long id = stack.driver_id(driver);
    {
        store::Db db({stack.db_url(), 1});
        auto s = db.session();
        long long key = id;
        *s << "UPDATE drivers SET status = 'disabled' WHERE id = :id", soci::use(key);
    }
    KW_EXPECT_STATUS(stack.http().get("/api/v1/me", driver), 401);
}

// Two admins demoting each other at the same moment used to leave no admin at all. Sequentially the
// second request fails anyway (its token was revoked by the first); only a true race reaches the
// guard, so each round races two requests and rounds repeat to make the race likely.
HttpResult put_employee(Stack& stack, long long id, const std::string& json_body, const std::string& token) {
    HttpClient c("127.0.0.1", stack.http_port());
    return c.put("/api/v1/admin/employees/" + std::to_string(id), json_body, token);
}

void admins_demoting_each_other_leave_one(Stack& stack) {
    std::string admin = stack.admin_token();
    long long admin_id = stack.http().get("/api/v1/me", admin).json().at("id").as_int64();
    for (int round = 0; round < 5; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const std::string login = "admin" + std::to_string(round);
        auto created = stack.http().post(
            "/api/v1/admin/employees",
            body({{"login", login}, {"password", "Admin-pass1"}, {"name", "Second"}, {"role", "admin"}}), admin);
        KW_EXPECT_STATUS(created, 201);
        const long long other_id = created.json().at("id").as_int64();
        const std::string other = str(staff_login(stack, login, "Admin-pass1").json(), "token");
        // Exactly two enabled admins now: `admin` and `other`. Each demotes the other at once.
        HttpResult r1, r2;
        std::thread t1([&] { r1 = put_employee(stack, other_id, body({{"role", "operator"}}), admin); });
        std::thread t2([&] { r2 = put_employee(stack, admin_id, body({{"role", "operator"}}), other); });
        t1.join();
        t2.join();
        EXPECT_EQ((r1.status == 200) + (r2.status == 200), 1) << r1.status << " " << r1.body << " / " << r2.status
                                                                << " " << r2.body;
        for (const auto* r : {&r1, &r2}) {
            if (r->status != 200) {
                EXPECT_TRUE(r->status == 401 || r->status == 409) << r->status << " " << r->body;
            }
        }
        if (r2.status == 200) {
            admin = other;
            admin_id = other_id;
        }
        auto me = stack.http().get("/api/v1/me", admin);
        KW_EXPECT_STATUS(me, 200);
        EXPECT_EQ(str(me.json(), "role"), "admin");
    }
}

TEST(SecuritySession, AdminsDemotingEachOtherAtOnceLeaveOneAdmin) {
    Stack stack;
    admins_demoting_each_other_leave_one(stack);
}

TEST(SecuritySession, AdminsDemotingEachOtherAtOnceLeaveOneAdminOnMariaDb) {
    StackOptions options;
    options.mariadb = true;
    Stack stack(options);
    admins_demoting_each_other_leave_one(stack);
}

TEST(SecuritySession, ReadyzAnswers503WhileRedisIsDownAndHealthzStaysUp) {
    Stack stack;
    auto ready = stack.http().get("/readyz");
    KW_EXPECT_STATUS(ready, 200);
    EXPECT_EQ(str(ready.json(), "status"), "ready");
    stack.redis().stop();
    auto down = stack.http().get("/readyz");
    KW_EXPECT_STATUS(down, 503);
    EXPECT_EQ(str(down.json().at("checks"), "redis"), "down");
    EXPECT_EQ(str(down.json().at("checks"), "database"), "ok");
    KW_EXPECT_STATUS(stack.http().get("/healthz"), 200);
    stack.redis().start();
    EXPECT_TRUE(eventually([&] { return stack.http().get("/readyz").status == 200; }, 15s));
}

}  // namespace
}  // namespace kw::test
