// The versions of the chargers' local authorisation lists (migration 009, store/cards_repo.hpp) on
// real SQLite and MariaDB: every card change takes a higher version, even two in the same
// millisecond, so a differential update since a version finds every card changed after it.
#include <gtest/gtest.h>

#include <memory>

#include "store_db.hpp"
#include "store/cards_repo.hpp"
#include "store/charger_commands_repo.hpp"
#include "store/db.hpp"
#include "store/drivers_repo.hpp"

namespace kw::store {
namespace {

constexpr UtcMs kNow = 1'780'000'000'000;

class StoreCardVersions : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        auto s = db_.session();
        driver_ = insert_driver(*s, "13800000001", "x", "card holder", kNow);
        other_driver_ = insert_driver(*s, "13800000002", "x", "other", kNow);
    }

    CardRow issue(const std::string& uid, std::int64_t driver) {
        auto s = db_.session();
        soci::transaction tr(*s);
        CardRow c;
        c.uid = uid;
        c.driver_id = driver;
        c.label = uid;
        c.status = "active";
        const auto id = insert_card(*s, c, kNow);
        tr.commit();
        return *find_card(*s, id);
    }

    CardRow change(CardRow c, const std::string& status) {
        auto s = db_.session();
        soci::transaction tr(*s);
        c.status = status;
        update_card(*s, c, kNow);  // the same millisecond every time
        tr.commit();
        return *find_card(*s, c.id);
    }

    std::vector<std::string> uids_since(std::int64_t since) {
        auto s = db_.read_session();
        std::vector<std::string> out;
        for (const auto& c : cards_for_local_list(*s, since, 100)) out.push_back(c.card.uid);
        return out;
    }

    kw::test::StoreDb store_{GetParam(), "kw-store-card-versions", 2};
    store::Db& db_ = store_.db();
    std::int64_t driver_ = 0, other_driver_ = 0;
};

TEST_P(StoreCardVersions, EveryChangeTakesAHigherVersionEvenInTheSameMillisecond) {
    const CardRow a = issue("CARDA", driver_);
    const CardRow b = issue("CARDB", driver_);
    EXPECT_GT(a.list_version, 1) << "above an empty list's version 1";
    EXPECT_GT(b.list_version, a.list_version);
    const CardRow a2 = change(a, "blocked");
    const CardRow a3 = change(a2, "active");
    EXPECT_GT(a2.list_version, b.list_version);
    EXPECT_GT(a3.list_version, a2.list_version);
    auto s = db_.read_session();
    EXPECT_EQ(cards_list_version(*s), a3.list_version);
}

TEST_P(StoreCardVersions, ADifferentialSinceAVersionFindsOnlyTheCardsChangedAfterIt) {
    const CardRow a = issue("CARDA", driver_);
    const CardRow b = issue("CARDB", driver_);
    issue("CARDC", other_driver_);
    auto s = db_.read_session();
    const std::int64_t held = cards_list_version(*s);
    EXPECT_EQ(uids_since(0), (std::vector<std::string>{"CARDA", "CARDB", "CARDC"}));
    EXPECT_TRUE(uids_since(held).empty());
    change(b, "blocked");
    change(a, "blocked");
    EXPECT_EQ(uids_since(held), (std::vector<std::string>{"CARDA", "CARDB"}));
    const auto listed = cards_for_local_list(*s, held, 100);
    EXPECT_EQ(listed.at(1).card.status, "blocked");
    EXPECT_TRUE(listed.at(1).driver_active);
}

TEST_P(StoreCardVersions, DisablingADriverChangesTheirCardsOnly) {
    issue("CARDA", driver_);
    issue("CARDB", other_driver_);
    std::int64_t held = 0;
    {
        auto s = db_.read_session();
        held = cards_list_version(*s);
    }
    {
        auto s = db_.session();
        soci::transaction tr(*s);
        set_driver_status(*s, driver_, "disabled", kNow);
        EXPECT_EQ(touch_cards_of_driver(*s, driver_), 1);
        tr.commit();
    }
    auto s = db_.read_session();
    const auto listed = cards_for_local_list(*s, held, 100);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].card.uid, "CARDA");
    EXPECT_FALSE(listed[0].driver_active);
}

TEST_P(StoreCardVersions, AChargersListAnswersComeNewestFirstAndOnlyAnswered) {
    auto s = db_.session();
    const auto full = insert_charger_command(*s, 7, "send_local_list", R"({"list_version":5})", 1, kNow);
    answer_charger_command(*s, full, "accepted", "", std::nullopt, kNow);
    const auto asked = insert_charger_command(*s, 7, "get_local_list_version", "{}", 1, kNow);
    answer_charger_command(*s, asked, "accepted", "", R"({"list_version":5})", kNow);
    insert_charger_command(*s, 7, "send_local_list", R"({"list_version":9})", 1, kNow);  // no answer yet
    insert_charger_command(*s, 7, "reset", "{}", 1, kNow);
    const auto elsewhere = insert_charger_command(*s, 8, "send_local_list", R"({"list_version":5})", 1, kNow);
    answer_charger_command(*s, elsewhere, "rejected", "not_supported", std::nullopt, kNow);
    const auto rows = local_list_answers(*s, 7, 20);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].id, asked);
    EXPECT_EQ(rows[1].id, full);
    EXPECT_EQ(chargers_with_local_lists(*s), (std::vector<std::int64_t>{7}));
}

INSTANTIATE_TEST_SUITE_P(Db, StoreCardVersions, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "MariaDb" : "Sqlite"; });

}  // namespace
}  // namespace kw::store
