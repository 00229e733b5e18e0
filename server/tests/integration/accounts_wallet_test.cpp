// The driver's wallet through the real server: balance, ledger, sandbox top-ups (credited once,
// only by their owner), and the ledger always adding up to the balance.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "accounts_helpers.hpp"

namespace kw::test {
namespace {

using namespace accounts;

struct Topup {
    long long id = 0;
    std::string sign;  // what the provider handed the payer (client_params.sign)
};

Topup create_topup(Stack& stack, const std::string& token, long long fen) {
    auto r = stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", fen}}), token);
    if (r.status != 201) throw std::runtime_error("create top-up: " + r.body);
    return {r.json().at("id").as_int64(), str(r.json().at("client_params"), "sign")};
}

std::string pay_path(long long id) { return "/api/v1/wallet/topups/" + std::to_string(id) + "/sandbox-pay"; }
std::string signed_body(const std::string& sign) { return body({{"sign", sign}}); }

TEST(AccountsWallet, NewDriverHasAnEmptyWallet) {
    Stack stack;
    const std::string token = stack.driver_token("13812345678");
    auto w = stack.http().get("/api/v1/wallet", token);
    KW_EXPECT_STATUS(w, 200);
    EXPECT_EQ(w.json(), json::value(json::object{{"balance_fen", 0}}));
    auto l = stack.http().get("/api/v1/wallet/ledger", token);
    KW_EXPECT_STATUS(l, 200);
    EXPECT_EQ(l.json().at("total").as_int64(), 0);
    EXPECT_EQ(l.json().at("page").as_int64(), 1);
    EXPECT_EQ(l.json().at("page_size").as_int64(), 20);
}

TEST(AccountsWallet, SandboxTopupCreditsExactlyOnce) {
    Stack stack;
    const std::string token = stack.driver_token("13812345678");
    auto created = stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", 5000}}), token);
    KW_EXPECT_STATUS(created, 201);
    auto c = created.json();
    EXPECT_EQ(c.at("amount_fen").as_int64(), 5000);
    EXPECT_EQ(str(c, "state"), "pending");
    EXPECT_EQ(str(c, "provider"), "sandbox");
    EXPECT_EQ(str(c, "provider_ref").rfind("sbx_", 0), 0u);
    EXPECT_TRUE(c.at("client_params").is_object());
    const long long id = c.at("id").as_int64();
    const std::string sign = str(c.at("client_params"), "sign");
    EXPECT_EQ(stack.balance(token), 0);  // pending is not money yet

    auto paid = stack.http().post(pay_path(id), signed_body(sign), token);
    KW_EXPECT_STATUS(paid, 200);
    EXPECT_EQ(str(paid.json(), "state"), "paid");
    EXPECT_EQ(paid.json().at("balance_fen").as_int64(), 5000);
    EXPECT_EQ(stack.balance(token), 5000);

    auto again = stack.http().post(pay_path(id), signed_body(sign), token);
    KW_EXPECT_STATUS(again, 409);
    EXPECT_EQ(stack.balance(token), 5000);

    auto ledger = stack.http().get("/api/v1/wallet/ledger", token);
    ASSERT_EQ(ledger.json().at("total").as_int64(), 1);
    const json::value row = ledger.json().at("items").at(0);
    EXPECT_EQ(str(row, "reason"), "topup");
    EXPECT_EQ(row.at("delta_fen").as_int64(), 5000);
    EXPECT_EQ(row.at("balance_after_fen").as_int64(), 5000);
    EXPECT_EQ(row.at("topup_id").as_int64(), id);
    EXPECT_TRUE(row.at("order_id").is_null());
    EXPECT_FALSE(row.as_object().contains("employee_id"));
}

TEST(AccountsWallet, TopupAmountOutsideTheRangeIsRejected) {
    Stack stack;
    const std::string token = stack.driver_token("13812345678");
    for (long long fen : {0LL, 99LL, -100LL, 1'000'001LL})
        KW_EXPECT_STATUS(stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", fen}}), token), 400);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", "5000"}}), token), 400);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", 50.5}}), token), 400);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/wallet/topups", "{}", token), 400);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", 100}}), token), 201);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", 1'000'000}}), token),
                     201);
}

TEST(AccountsWallet, DriverCannotPayOrSeeAnotherDriversTopup) {
    Stack stack;
    const std::string a = stack.driver_token("13812345678");
    const std::string b = stack.driver_token("13912345678");
    const auto topup = create_topup(stack, a, 3000);
    const long long id = topup.id;
    auto stolen = stack.http().post(pay_path(id), signed_body(topup.sign), b);
    KW_EXPECT_STATUS(stolen, 404);
    EXPECT_EQ(stack.balance(a), 0);
    EXPECT_EQ(stack.balance(b), 0);
    EXPECT_EQ(stack.http().get("/api/v1/wallet/ledger", b).json().at("total").as_int64(), 0);
    KW_EXPECT_STATUS(stack.http().post(pay_path(id + 1000), signed_body(topup.sign), a), 404);
    KW_EXPECT_STATUS(stack.http().post("/api/v1/wallet/topups/abc/sandbox-pay", signed_body(topup.sign), a), 404);
    // The owner still can.
    KW_EXPECT_STATUS(stack.http().post(pay_path(id), signed_body(topup.sign), a), 200);
    EXPECT_EQ(stack.balance(a), 3000);
    EXPECT_EQ(stack.balance(b), 0);
}

TEST(AccountsWallet, StaffCannotUseTheDriverWallet) {
    Stack stack;
    KW_EXPECT_STATUS(stack.http().get("/api/v1/wallet", stack.admin_token()), 403);
    KW_EXPECT_STATUS(
        stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", 500}}), stack.admin_token()), 403);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/wallet"), 401);
}

TEST(AccountsWallet, LedgerSumsEqualTheBalanceAndAreNewestFirst) {
    Stack stack;
    const std::string token = stack.driver_token("13812345678");
    const long long driver = stack.driver_id(token);
    long long expected = 0;
    for (long long fen : {100LL, 2500LL, 999LL}) {
        stack.topup(token, fen);
        expected += fen;
    }
    auto adjust = [&](long long delta) {
        auto r = stack.http().post("/api/v1/admin/drivers/" + std::to_string(driver) + "/balance-adjustments",
                                   body({{"delta_fen", delta}, {"reason", "test"}}), stack.admin_token());
        KW_EXPECT_STATUS(r, 201);
        expected += delta;
    };
    adjust(-599);
    adjust(10'000);
    for (int i = 0; i < 20; ++i) stack.topup(token, 100 + i), expected += 100 + i;
    EXPECT_EQ(stack.balance(token), expected);
    long long rows = 0;
    EXPECT_EQ(ledger_sum(stack, "/api/v1/wallet/ledger", token, &rows), expected);
    EXPECT_EQ(rows, 25);
    EXPECT_EQ(
        ledger_sum(stack, "/api/v1/admin/drivers/" + std::to_string(driver) + "/ledger", stack.admin_token()),
        expected);

    auto page1 = stack.http().get("/api/v1/wallet/ledger?page_size=5", token).json();
    auto page2 = stack.http().get("/api/v1/wallet/ledger?page_size=5&page=2", token).json();
    EXPECT_EQ(page1.at("total").as_int64(), 25);
    ASSERT_EQ(page1.at("items").as_array().size(), 5u);
    const auto& newest = page1.at("items").at(0);
    EXPECT_EQ(newest.at("balance_after_fen").as_int64(), expected);
    EXPECT_GT(page1.at("items").at(4).at("id").as_int64(), page2.at("items").at(0).at("id").as_int64());
    // Each row's balance_after is the previous row's plus its delta.
    auto all = stack.http().get("/api/v1/wallet/ledger?page_size=100", token).json().at("items").as_array();
    for (std::size_t i = 0; i + 1 < all.size(); ++i) {
        EXPECT_EQ(all[i].at("balance_after_fen").as_int64(),
                  all[i + 1].at("balance_after_fen").as_int64() + all[i].at("delta_fen").as_int64());
    }
    KW_EXPECT_STATUS(stack.http().get("/api/v1/wallet/ledger?page=0", token), 400);
    KW_EXPECT_STATUS(stack.http().get("/api/v1/wallet/ledger?page_size=101", token), 400);
}

// Several clients pay the same top-up at once: one wins, the others get 409, one credit.
void concurrent_pays_credit_once(Stack& stack) {
    const std::string token = stack.driver_token("13812345678");
    const auto topup = create_topup(stack, token, 4200);
    std::atomic<int> ok{0}, conflict{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&] {
            HttpClient client("127.0.0.1", stack.http_port());
            int status = client.post(pay_path(topup.id), signed_body(topup.sign), token).status;
            if (status == 200)
                ++ok;
            else if (status == 409)
                ++conflict;
            else
                ++other;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(conflict.load(), 5);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(stack.balance(token), 4200);
    EXPECT_EQ(stack.http().get("/api/v1/wallet/ledger", token).json().at("total").as_int64(), 1);
}

TEST(AccountsWallet, ConcurrentSandboxPaysCreditOnce) {
    Stack stack;
    concurrent_pays_credit_once(stack);
}

TEST(AccountsWallet, ConcurrentSandboxPaysCreditOnceOnMariaDb) {
    StackOptions options;
    options.mariadb = true;
    Stack stack(options);
    concurrent_pays_credit_once(stack);
}

// Attack: the server started as docs/operations.md shows, without the demo's TOML, used to pay any
// top-up for free. Now the sandbox is off by default: no top-up can be created or paid.
TEST(AccountsWallet, WithoutTheSandboxTopupsCannotBeCreatedOrPaid) {
    StackOptions options;
    options.server_flags = {"--payments.sandbox=false"};
    Stack stack(options);
    const std::string token = stack.driver_token("13812345678");
    auto created = stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", 1'000'000}}), token);
    KW_EXPECT_STATUS(created, 503);
    EXPECT_EQ(str(created.json(), "code"), "unavailable");
    KW_EXPECT_STATUS(stack.http().post(pay_path(1), signed_body("x"), token), 404);
    EXPECT_EQ(stack.balance(token), 0);
}

// Attack: pay a top-up with a made-up or missing signature (it used to be ignored).
TEST(AccountsWallet, SandboxPayNeedsTheSignatureItWasHanded) {
    Stack stack;
    const std::string token = stack.driver_token("13812345678");
    const auto topup = create_topup(stack, token, 100'000);
    KW_EXPECT_STATUS(stack.http().post(pay_path(topup.id), "{}", token), 400);
    std::string forged = topup.sign;
    forged[0] = forged[0] == 'a' ? 'b' : 'a';
    auto refused = stack.http().post(pay_path(topup.id), signed_body(forged), token);
    KW_EXPECT_STATUS(refused, 403);
    EXPECT_EQ(stack.balance(token), 0);
    KW_EXPECT_STATUS(stack.http().post(pay_path(topup.id), signed_body(topup.sign), token), 200);
    EXPECT_EQ(stack.balance(token), 100'000);
}

// Top-up creation is a quota per driver and hour: 429 with Retry-After past it, nothing created.
TEST(AccountsWallet, TopupCreationIsThrottledPerDriver) {
    StackOptions options;
    options.server_flags = {"--limits.topups_per_driver_per_hour=3"};
    Stack stack(options);
    const std::string token = stack.driver_token("13812345678");
    for (int i = 0; i < 3; ++i) create_topup(stack, token, 100);
    auto refused = stack.http().post("/api/v1/wallet/topups", body({{"amount_fen", 100}}), token);
    KW_EXPECT_STATUS(refused, 429);
    EXPECT_EQ(str(refused.json(), "code"), "too_many_requests");
    const long long wait = std::stoll(refused.header("Retry-After"));
    EXPECT_GT(wait, 0);
    EXPECT_LE(wait, 3600);
    // Another driver is not affected.
    create_topup(stack, stack.driver_token("13912345678"), 100);
}

}  // namespace
}  // namespace kw::test
