#include "domain/local_list.hpp"

#include <gtest/gtest.h>

namespace kw::domain {
namespace {

using Kind = LocalListAnswer::Kind;

LocalListAnswer sent(std::int64_t version, bool accepted = true, std::string reason = "") {
    return {Kind::sent_list, accepted, std::move(reason), version};
}
LocalListAnswer asked(std::int64_t version) { return {Kind::asked_version, true, "", version}; }

TEST(LocalList, ACardIsBlockedExpiredOrAccepted) {
    EXPECT_EQ(local_list_status("active", true, std::nullopt, 1000), "accepted");
    EXPECT_EQ(local_list_status("active", true, 2000, 1000), "accepted");
    EXPECT_EQ(local_list_status("active", true, 1000, 1000), "expired");
    EXPECT_EQ(local_list_status("blocked", true, std::nullopt, 1000), "blocked");
    EXPECT_EQ(local_list_status("active", false, std::nullopt, 1000), "blocked") << "driver disabled";
    EXPECT_EQ(local_list_status("blocked", true, 500, 1000), "blocked") << "blocked wins over expired";
}

TEST(LocalList, TheNewestAcceptedListIsTheVersionHeld) {
    EXPECT_EQ(held_list_version({sent(12), sent(9)}), 12);
    EXPECT_EQ(held_list_version({sent(15, false, "failed"), sent(12)}), 12)
        << "a failed list leaves the old one";
    EXPECT_EQ(held_list_version({sent(15, false, "not_supported"), sent(12)}), 12);
}

TEST(LocalList, AReportedVersionCountsLikeAnAcceptedList) {
    EXPECT_EQ(held_list_version({asked(20), sent(12)}), 20);
    EXPECT_EQ(held_list_version({sent(21), asked(20)}), 21);
}

TEST(LocalList, NoListReportedOrNothingKnownIsNoVersion) {
    EXPECT_EQ(held_list_version({}), std::nullopt);
    EXPECT_EQ(held_list_version({asked(0), sent(12)}), std::nullopt) << "the list was cleared";
    EXPECT_EQ(held_list_version({asked(-1)}), std::nullopt) << "no local list at all";
    EXPECT_EQ(held_list_version({sent(12, false, "failed")}), std::nullopt);
}

TEST(LocalList, AVersionMismatchAboveTheKnownVersionMeansItIsUnknown) {
    EXPECT_EQ(held_list_version({sent(15, false, "version_mismatch"), sent(12)}), std::nullopt);
    EXPECT_EQ(held_list_version({sent(15, false, "version_mismatch"), sent(20, false, "failed"), sent(12)}),
              std::nullopt);
    EXPECT_EQ(held_list_version({sent(30), sent(15, false, "version_mismatch"), sent(12)}), 30)
        << "a full list after the mismatch settles it";
}

TEST(LocalList, AMismatchOfAVersionAlreadyHeldIsARaceNotAnUnknownList) {
    // two differential updates of version 15 sent before either was answered: the second is refused
    EXPECT_EQ(held_list_version({sent(15, false, "version_mismatch"), sent(15)}), 15);
}

TEST(LocalList, BlockingOrShorteningTheExpiryTakesAccessAway) {
    const CardAccess open{"active", std::nullopt};
    EXPECT_TRUE(takes_access_away(open, {"blocked", std::nullopt}));
    EXPECT_TRUE(takes_access_away(open, {"active", 5000}));
    EXPECT_TRUE(takes_access_away({"active", 9000}, {"active", 5000}));
    EXPECT_FALSE(takes_access_away({"active", 5000}, {"active", 9000})) << "extended";
    EXPECT_FALSE(takes_access_away({"active", 5000}, {"active", std::nullopt})) << "never expires now";
    EXPECT_FALSE(takes_access_away(open, open)) << "a label change";
    EXPECT_FALSE(takes_access_away({"blocked", std::nullopt}, {"active", std::nullopt})) << "unblocked";
    EXPECT_FALSE(takes_access_away({"blocked", std::nullopt}, {"blocked", 5000})) << "already blocked";
}

}  // namespace
}  // namespace kw::domain
