#include "service/account_rules.hpp"
#include "store/like.hpp"

#include <gtest/gtest.h>

#include "domain/error.hpp"

namespace kw::service {
namespace {

TEST(PrincipalEncoding, RoundTripsEveryRole) {
    for (Role role : {Role::driver, Role::admin, Role::operator_, Role::maintainer}) {
        Principal p{role, 42};
        auto back = decode_principal(encode_principal(p));
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(back->role, role);
        EXPECT_EQ(back->id, 42);
    }
    EXPECT_EQ(encode_principal({Role::operator_, 7}), "operator:7");
    EXPECT_EQ(encode_principal({Role::driver, 1}), "driver:1");
}

TEST(PrincipalEncoding, RejectsMalformedValues) {
    for (const char* bad : {"", "driver", "driver:", "driver:0", "driver:-1", "driver:+1", "driver:1x",
                            "root:1", "operator_:1", "DRIVER:1", "driver:99999999999999999999", ":1"}) {
        EXPECT_FALSE(decode_principal(bad).has_value()) << bad;
    }
}

TEST(EmployeeLogin, AcceptsAllowedCharactersAndLengths) {
    EXPECT_NO_THROW(validate_employee_login("abc"));
    EXPECT_NO_THROW(validate_employee_login("ops.team_lead-01"));
    EXPECT_NO_THROW(validate_employee_login(std::string(50, 'a')));
}

TEST(EmployeeLogin, RejectsShortLongAndOddCharacters) {
    for (std::string bad :
         {std::string("ab"), std::string(51, 'a'), std::string("has space"),
          std::string("x'); DROP TABLE employees;--"), std::string("名字abc"), std::string("a/b")}) {
        EXPECT_THROW(validate_employee_login(bad), Error) << bad;
    }
}

TEST(DisplayName, TrimsSpacesAndCountsCharactersNotBytes) {
    EXPECT_EQ(normalize_display_name("  Li Lei \t", "nickname"), "Li Lei");
    // 50 Chinese characters are 150 bytes but within the 50-character limit.
    std::string fifty;
    for (int i = 0; i < 50; ++i) fifty += "电";
    EXPECT_EQ(normalize_display_name(fifty, "nickname"), fifty);
    EXPECT_THROW(normalize_display_name(fifty + "电", "nickname"), Error);
}

TEST(DisplayName, RejectsEmptyAndControlCharacters) {
    EXPECT_THROW(normalize_display_name("   ", "nickname"), Error);
    EXPECT_THROW(normalize_display_name("a\nb", "nickname"), Error);
    EXPECT_THROW(normalize_display_name(std::string("a\0b", 3), "nickname"), Error);
    try {
        normalize_display_name("", "name");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::bad_request);
        EXPECT_NE(std::string(e.what()).find("'name'"), std::string::npos);
    }
}

TEST(DisplayName, KeepsSqlLookingTextVerbatim) {
    EXPECT_EQ(normalize_display_name("x'); DROP TABLE drivers;--", "nickname"), "x'); DROP TABLE drivers;--");
}

TEST(Amounts, TopupRangeIsOneToTenThousandYuan) {
    EXPECT_NO_THROW(validate_topup_amount(100));
    EXPECT_NO_THROW(validate_topup_amount(1'000'000));
    EXPECT_THROW(validate_topup_amount(99), Error);
    EXPECT_THROW(validate_topup_amount(1'000'001), Error);
    EXPECT_THROW(validate_topup_amount(-500), Error);
}

TEST(Amounts, AdjustmentIsNonZeroAndBounded) {
    EXPECT_NO_THROW(validate_adjustment(1));
    EXPECT_NO_THROW(validate_adjustment(-10'000'000));
    EXPECT_NO_THROW(validate_adjustment(10'000'000));
    EXPECT_THROW(validate_adjustment(0), Error);
    EXPECT_THROW(validate_adjustment(10'000'001), Error);
    EXPECT_THROW(validate_adjustment(-10'000'001), Error);
}

TEST(Digests, Sha256AndHmacMatchKnownVectors) {
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 4231 test case 2.
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Digests, RandomHexHasTheRequestedLengthAndDiffers) {
    auto a = random_hex(32), b = random_hex(32);
    EXPECT_EQ(a.size(), 64u);
    EXPECT_NE(a, b);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(LikeEscape, EscapesWildcardsAndTheEscapeCharacter) {
    EXPECT_EQ(store::like_escape("50%_off!"), "50!%!_off!!");
    EXPECT_EQ(store::like_escape("plain"), "plain");
}

}  // namespace
}  // namespace kw::service
