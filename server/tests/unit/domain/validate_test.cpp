#include "domain/validate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "domain/clock.hpp"
#include "domain/error.hpp"

namespace {

using kw::parse_utc;
using kw::domain::OpeningHours;
using ::testing::HasSubstr;

template <class F>
std::string bad_request_message(F&& f) {
    try {
        f();
    } catch (const kw::Error& e) {
        if (e.errc() == kw::Errc::bad_request) return e.what();
        return "<wrong errc: " + std::string(kw::errc_name(e.errc())) + ">";
    }
    return "<no exception>";
}

TEST(ValidCnMobile, AcceptsElevenDigitNumbersStartingWith13To19) {
    EXPECT_TRUE(kw::domain::valid_cn_mobile("13812341234"));
    EXPECT_TRUE(kw::domain::valid_cn_mobile("19900000000"));
    EXPECT_FALSE(kw::domain::valid_cn_mobile("12812341234"));
    EXPECT_FALSE(kw::domain::valid_cn_mobile("23812341234"));
    EXPECT_FALSE(kw::domain::valid_cn_mobile("1381234123"));
    EXPECT_FALSE(kw::domain::valid_cn_mobile("138123412345"));
    EXPECT_FALSE(kw::domain::valid_cn_mobile("1381234123a"));
    EXPECT_FALSE(kw::domain::valid_cn_mobile("+8613812341234"));
    EXPECT_FALSE(kw::domain::valid_cn_mobile(""));
}

TEST(ValidatePassword, NeedsLengthLetterAndDigit) {
    EXPECT_NO_THROW(kw::domain::validate_password("abcdefg1"));
    EXPECT_NO_THROW(kw::domain::validate_password(std::string(63, 'a') + "1"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_password("abcdef1"); }),
                HasSubstr("at least 8"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_password(std::string(64, 'a') + "1"); }),
                HasSubstr("at most 64"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_password("abcdefgh"); }),
                HasSubstr("one digit"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_password("12345678"); }),
                HasSubstr("one letter"));
}

TEST(MaskPhone, KeepsFirstThreeAndLastFour) {
    EXPECT_EQ(kw::domain::mask_phone("13812341234"), "138****1234");
    EXPECT_EQ(kw::domain::mask_phone("1234567"), "****");
    EXPECT_EQ(kw::domain::mask_phone(""), "****");
}

TEST(ValidateChargerCode, AcceptsTopicSafeCodes) {
    EXPECT_NO_THROW(kw::domain::validate_charger_code("CP-001_a"));
    EXPECT_NO_THROW(kw::domain::validate_charger_code(std::string(32, 'x')));
}

TEST(ValidateChargerCode, RejectsEmptyLongAndMqttSpecialCharacters) {
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_charger_code(""); }), HasSubstr("empty"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_charger_code(std::string(33, 'x')); }),
                HasSubstr("at most 32"));
    for (const char* code : {"CP/1", "CP+", "CP#", "CP 1", "CP.1", "充电桩", "CP\n"}) {
        EXPECT_THAT(bad_request_message([&] { kw::domain::validate_charger_code(code); }),
                    HasSubstr("may contain only"))
            << code;
    }
}

TEST(ValidateTimezone, KnownZonesPassUnknownAreBadRequest) {
    EXPECT_NO_THROW(kw::domain::validate_timezone("Asia/Shanghai"));
    EXPECT_NO_THROW(kw::domain::validate_timezone("Europe/Berlin"));
    EXPECT_NO_THROW(kw::domain::validate_timezone("UTC"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_timezone("Asia/Beijing"); }),
                HasSubstr("unknown timezone: Asia/Beijing"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_timezone("../../etc/passwd"); }),
                HasSubstr("unknown timezone"));
    EXPECT_THAT(bad_request_message([] { kw::domain::validate_timezone(""); }), HasSubstr("timezone"));
}

TEST(OpeningHours, ParsesAndFormats) {
    OpeningHours h = kw::domain::parse_opening_hours("08:30-22:00");
    EXPECT_EQ(h.open_minute, 510);
    EXPECT_EQ(h.close_minute, 1320);
    EXPECT_EQ(kw::domain::format_opening_hours(h), "08:30-22:00");
    OpeningHours always = kw::domain::parse_opening_hours("00:00-24:00");
    EXPECT_EQ(always.open_minute, 0);
    EXPECT_EQ(always.close_minute, 1440);
    EXPECT_EQ(kw::domain::format_opening_hours(always), "00:00-24:00");
    EXPECT_EQ(kw::domain::parse_opening_hours("22:00-06:00").close_minute, 360);
}

TEST(OpeningHours, RejectsMalformedText) {
    for (const char* text : {"", "8:30-22:00", "08:30-22:60", "24:00-08:00", "08:30 - 22:00", "08:30-22:00x",
                             "08:30~22:00", "08:00-08:00", "25:00-26:00"}) {
        EXPECT_THAT(bad_request_message([&] { kw::domain::parse_opening_hours(text); }),
                    HasSubstr("opening hours"))
            << text;
    }
}

TEST(OpeningHours, IsOpenUsesLocalTimeOfTheStation) {
    OpeningHours day = kw::domain::parse_opening_hours("08:00-22:00");
    // 2026-06-01T00:00Z is 08:00 in Shanghai, 02:00 in Berlin.
    EXPECT_TRUE(kw::domain::is_open(day, "Asia/Shanghai", parse_utc("2026-06-01T00:00:00Z")));
    EXPECT_FALSE(kw::domain::is_open(day, "Asia/Shanghai", parse_utc("2026-06-01T00:00:00Z") - 1));
    EXPECT_FALSE(kw::domain::is_open(day, "Asia/Shanghai", parse_utc("2026-06-01T14:00:00Z")));  // 22:00
    EXPECT_FALSE(kw::domain::is_open(day, "Europe/Berlin", parse_utc("2026-06-01T00:00:00Z")));
}

TEST(OpeningHours, OvernightHoursWrapMidnight) {
    OpeningHours night = kw::domain::parse_opening_hours("22:00-06:00");
    EXPECT_TRUE(kw::domain::is_open(night, "Asia/Shanghai", parse_utc("2026-06-01T14:00:00Z")));   // 22:00
    EXPECT_TRUE(kw::domain::is_open(night, "Asia/Shanghai", parse_utc("2026-06-01T17:00:00Z")));   // 01:00
    EXPECT_FALSE(kw::domain::is_open(night, "Asia/Shanghai", parse_utc("2026-06-01T22:00:00Z")));  // 06:00
    EXPECT_FALSE(kw::domain::is_open(night, "Asia/Shanghai", parse_utc("2026-06-01T04:00:00Z")));  // 12:00
}

TEST(OpeningHours, AlwaysOpenIsOpenAtEveryMinute) {
    OpeningHours always = kw::domain::parse_opening_hours("00:00-24:00");
    for (kw::UtcMs t = parse_utc("2026-06-01T00:00:00Z"); t < parse_utc("2026-06-02T00:00:00Z");
         t += 60'000) {
        ASSERT_TRUE(kw::domain::is_open(always, "Asia/Shanghai", t)) << kw::format_utc(t);
    }
}

TEST(OpeningHours, UnknownZoneIsBadRequest) {
    EXPECT_THAT(bad_request_message([] {
                    kw::domain::is_open({0, 1440}, "Nowhere/Town", 0);
                }),
                HasSubstr("unknown timezone"));
}

}  // namespace

namespace {

std::string conflict_message(const std::string& code, const std::string& user = "kilowatt",
                             const std::string& client_id = "") {
    try {
        kw::domain::check_charger_code_not_reserved(code, user, client_id);
    } catch (const kw::Error& e) {
        return std::string(kw::errc_name(e.errc())) + ": " + e.what();
    }
    return "<no exception>";
}

TEST(ReservedChargerCodeRules, ServerUsernameInAnyCaseIsRefusedWithAConflict) {
    EXPECT_THAT(conflict_message("kilowatt"), HasSubstr("conflict: charger code 'kilowatt' is reserved"));
    EXPECT_THAT(conflict_message("KILOWATT"), HasSubstr("server's own MQTT username"));
    EXPECT_THAT(conflict_message("KiloWatt"), HasSubstr("conflict"));
    EXPECT_THAT(conflict_message("admin", "admin"), HasSubstr("conflict"));
    EXPECT_EQ(conflict_message("kilowatt1"), "<no exception>");
    EXPECT_EQ(conflict_message("KW-SH-0001"), "<no exception>");
}

TEST(ReservedChargerCodeRules, ServerClientIdsAndBrokerInternalNamesAreRefused) {
    EXPECT_THAT(conflict_message("kilowatt-host-1234"), HasSubstr("client ids"));
    EXPECT_THAT(conflict_message("Kilowatt-1"), HasSubstr("conflict"));
    EXPECT_THAT(conflict_message("srv-a", "kilowatt", "SRV-A"), HasSubstr("client id"));
    EXPECT_THAT(conflict_message("$SYS"), HasSubstr("bad_request"));
    EXPECT_EQ(conflict_message("srv-b", "kilowatt", "srv-a"), "<no exception>");
}

}  // namespace
