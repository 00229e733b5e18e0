// accepts_encoding: which Accept-Encoding values let the static file server send a precompressed copy.
#include <gtest/gtest.h>

#include "http/static_files.hpp"

namespace kw::http {
namespace {

TEST(AcceptEncoding, ANamedCodingWithoutQualityIsAccepted) {
    EXPECT_TRUE(accepts_encoding("gzip, deflate, br", "br"));
    EXPECT_TRUE(accepts_encoding("gzip, deflate, br", "gzip"));
    EXPECT_TRUE(accepts_encoding("GZip", "gzip"));
    EXPECT_TRUE(accepts_encoding(" br ;q=0.8", "br"));
}

TEST(AcceptEncoding, AnAbsentCodingOrAnEmptyHeaderIsRefused) {
    EXPECT_FALSE(accepts_encoding("", "gzip"));
    EXPECT_FALSE(accepts_encoding("gzip, deflate", "br"));
    EXPECT_FALSE(accepts_encoding("identity", "gzip"));
    EXPECT_FALSE(accepts_encoding("gzipx", "gzip"));
}

TEST(AcceptEncoding, QualityZeroRefusesAndTheNamedEntryWinsOverTheWildcard) {
    EXPECT_FALSE(accepts_encoding("br;q=0, gzip", "br"));
    EXPECT_FALSE(accepts_encoding("br;q=0.000", "br"));
    EXPECT_TRUE(accepts_encoding("br;q=0.001", "br"));
    EXPECT_TRUE(accepts_encoding("*", "gzip"));
    EXPECT_FALSE(accepts_encoding("*;q=0", "gzip"));
    EXPECT_TRUE(accepts_encoding("*;q=0, gzip", "gzip"));
    EXPECT_FALSE(accepts_encoding("gzip;q=0, *", "gzip"));
}

}  // namespace
}  // namespace kw::http
