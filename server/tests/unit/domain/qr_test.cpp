#include "domain/qr.hpp"

#include <gtest/gtest.h>

#include "domain/error.hpp"

namespace kw::domain {
namespace {

void expect_bad(std::string_view content) {
    try {
        parse_qr_content(content);
        ADD_FAILURE() << "accepted: " << content;
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::bad_request) << content;
    }
}

TEST(QrContent, UrlFormYieldsCodeAndConnector) {
    auto t = parse_qr_content("https://charge.example.com/app/c/KW-SH-0001/2");
    EXPECT_EQ(t.code, "KW-SH-0001");
    EXPECT_EQ(t.connector, 2);
}

TEST(QrContent, ShortFormYieldsCodeAndConnector) {
    auto t = parse_qr_content("KW_1/1");
    EXPECT_EQ(t.code, "KW_1");
    EXPECT_EQ(t.connector, 1);
}

TEST(QrContent, AnyPrefixBeforeTheCSegmentIsAccepted) {
    EXPECT_EQ(parse_qr_content("weixin://x/y/c/A1/3").code, "A1");
    EXPECT_EQ(parse_qr_content("/c/A1/3").connector, 3);
}

TEST(QrContent, QueryFragmentTrailingSlashAndWhitespaceAreIgnored) {
    auto t = parse_qr_content("  http://h/app/c/AB-9/12/?utm=label#top \n");
    EXPECT_EQ(t.code, "AB-9");
    EXPECT_EQ(t.connector, 12);
}

TEST(QrContent, MalformedTextIsRefused) {
    expect_bad("");
    expect_bad("   ");
    expect_bad("KW-1");
    expect_bad("KW-1/");
    expect_bad("KW-1/0");
    expect_bad("KW-1/100");
    expect_bad("KW-1/x");
    expect_bad("KW-1/-1");
    expect_bad("KW 1/1");
    expect_bad("/1");
    expect_bad("https://h/app/x/KW-1/1");  // no "c" segment before the code
    expect_bad("https://h/app/c/KW+1/1");
    expect_bad("https://h/app/c/%4B/1");
    expect_bad("https://h/app/c/" + std::string(33, 'A') + "/1");
    expect_bad(std::string(600, 'a') + "/c/A/1");
}

TEST(QrContent, FormatThenParseRoundTrips) {
    std::string text = format_qr_content("https://charge.example.com/", "KW-SH-0001", 2);
    EXPECT_EQ(text, "https://charge.example.com/app/c/KW-SH-0001/2");
    auto t = parse_qr_content(text);
    EXPECT_EQ(t.code, "KW-SH-0001");
    EXPECT_EQ(t.connector, 2);
}

}  // namespace
}  // namespace kw::domain
