// service::change_balance directly on real SQLite and MariaDB databases: the contract the charging
// slice relies on (guarded update + ledger row in the caller's transaction, nothing changed on
// insufficient balance, no lost updates under concurrent debits).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "domain/error.hpp"
#include "service/accounts.hpp"
#include "service/audit.hpp"
#include "service/wallet.hpp"
#include "store_db.hpp"
#include "store/audit_repo.hpp"
#include "store/db.hpp"
#include "store/wallet_repo.hpp"

namespace kw::service {
namespace {

constexpr UtcMs kNow = 1'780'000'000'000;

// One database per test: SQLite in a temp dir, or a private MariaDB server.
class AccountsWalletSql : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        auto s = db_.session();
        driver_ = create_driver(*s, "13812345678", "Passw0rd1", "tester", kNow);
    }

    std::int64_t change(std::int64_t delta, const std::string& reason = "adjust") {
        auto s = db_.session();
        soci::transaction tx(*s);
        auto b =
            change_balance(*s, driver_, delta, reason, std::nullopt, std::nullopt, std::nullopt, "", kNow);
        tx.commit();
        return b;
    }

    // SQLite has one pooled connection: callers pass the session they already hold.
    std::int64_t ledger_rows(soci::session& sql) { return store::count_ledger(sql, driver_); }

    kw::test::StoreDb store_{GetParam(), "kw-wallet-sql", GetParam() ? 4 : 1};
    store::Db& db_ = store_.db();
    std::int64_t driver_ = 0;
};

TEST_P(AccountsWalletSql, ChangeBalanceWritesTheLedgerRowWithTheBalanceAfter) {
    EXPECT_EQ(change(1000, "topup"), 1000);
    {
        auto s = db_.session();
        soci::transaction tx(*s);
        auto b =
            change_balance(*s, driver_, -250, "charge", 77, std::nullopt, std::nullopt, "order 77", kNow + 1);
        EXPECT_EQ(b, 750);
        tx.commit();
    }
    auto s = db_.session();
    EXPECT_EQ(balance(*s, driver_), 750);
    auto rows = store::list_ledger(*s, driver_, 10, 0);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].delta_fen, -250);
    EXPECT_EQ(rows[0].balance_after_fen, 750);
    EXPECT_EQ(rows[0].reason, "charge");
    EXPECT_EQ(rows[0].order_id, std::optional<std::int64_t>(77));
    EXPECT_FALSE(rows[0].topup_id.has_value());
    EXPECT_EQ(rows[0].note, "order 77");
    EXPECT_EQ(rows[0].created_at, kNow + 1);
    EXPECT_EQ(rows[1].balance_after_fen, 1000);
}

TEST_P(AccountsWalletSql, InsufficientBalanceThrowsAndChangesNothing) {
    change(500, "topup");
    try {
        change(-501, "charge");
        FAIL() << "expected insufficient_balance";
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::insufficient_balance);
    }
    auto s = db_.session();
    EXPECT_EQ(balance(*s, driver_), 500);
    EXPECT_EQ(ledger_rows(*s), 1);
}

TEST_P(AccountsWalletSql, RollingBackTheCallersTransactionUndoesBothBalanceAndLedger) {
    change(500, "topup");
    {
        auto s = db_.session();
        soci::transaction tx(*s);
        change_balance(*s, driver_, -200, "charge", 1, std::nullopt, std::nullopt, "", kNow);
        audit(*s, 1, "test.rollback", "driver:1", {{"x", 1}}, kNow);
        tx.rollback();
    }
    auto s = db_.session();
    EXPECT_EQ(balance(*s, driver_), 500);
    EXPECT_EQ(ledger_rows(*s), 1);
    EXPECT_EQ(store::count_audit(*s, {}), 0);
}

TEST_P(AccountsWalletSql, ZeroChangeIsRecordedAndUnknownDriverIsNotFound) {
    EXPECT_EQ(change(0, "charge"), 0);
    auto s = db_.session();
    EXPECT_EQ(ledger_rows(*s), 1);
    try {
        soci::transaction tx(*s);
        change_balance(*s, driver_ + 99, 100, "topup", std::nullopt, std::nullopt, std::nullopt, "", kNow);
        FAIL() << "expected not_found";
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::not_found);
    }
}

TEST_P(AccountsWalletSql, ConcurrentDebitsNeverOverdrawOrLoseUpdates) {
    change(1000, "topup");
    std::atomic<int> ok{0}, refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                try {
                    change(-30, "charge");
                    ++ok;
                } catch (const Error& e) {
                    if (e.errc() == Errc::insufficient_balance) ++refused;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok + refused, 40);
    EXPECT_EQ(ok.load(), 33);  // 33 * 30 = 990 <= 1000 < 34 * 30
    auto s = db_.session();
    EXPECT_EQ(balance(*s, driver_), 1000 - 30 * ok.load());
    EXPECT_EQ(ledger_rows(*s), 1 + ok.load());
    long long sum = 0;
    for (const auto& row : store::list_ledger(*s, driver_, 100, 0)) sum += row.delta_fen;
    EXPECT_EQ(sum, balance(*s, driver_));
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsWalletSql, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "MariaDb" : "Sqlite"; });

}  // namespace
}  // namespace kw::service
