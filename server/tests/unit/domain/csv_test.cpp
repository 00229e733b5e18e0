#include "domain/csv.hpp"

#include <gtest/gtest.h>

#include "domain/error.hpp"

namespace kw::domain {
namespace {

TEST(Csv, QuotedCellsKeepCommasQuotesAndLineBreaks) {
    auto r = parse_csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\nnow\"\n\nlast,\n", 10);
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].cells, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(r[1].cells, (std::vector<std::string>{"x, y", "say \"hi\"\nnow"}));
    EXPECT_EQ(r[1].line, 2u);
    EXPECT_EQ(r[2].cells, (std::vector<std::string>{"last", ""}));
    EXPECT_EQ(r[2].line, 5u);
}

TEST(Csv, ByteOrderMarkAndMissingFinalNewlineAreAccepted) {
    auto r = parse_csv("\xEF\xBB\xBF" "code\nA", 10);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].cells[0], "code");
    EXPECT_EQ(r[1].cells[0], "A");
}

TEST(Csv, UnclosedQuoteOrTextAfterAQuoteIsABadRequestNamingTheLine) {
    try {
        parse_csv("a\n\"open", 10);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::bad_request);
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
    }
    EXPECT_THROW(parse_csv("\"a\"b\n", 10), Error);
}

TEST(Csv, MoreRecordsThanTheLimitIsPayloadTooLarge) {
    EXPECT_EQ(parse_csv("h\n1\n2\n", 3).size(), 3u);
    try {
        parse_csv("h\n1\n2\n3\n", 3);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::payload_too_large);
    }
}

}  // namespace
}  // namespace kw::domain
