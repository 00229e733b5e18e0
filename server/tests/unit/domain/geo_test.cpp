#include "domain/geo.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

namespace {

using kw::domain::LngLat;

struct Vector {
    std::string name;
    LngLat wgs84;
    LngLat gcj02;
};

std::vector<Vector> read_vectors() {
    std::ifstream in(std::string(KW_TEST_DATA) + "/gcj02-vectors.csv");
    std::vector<Vector> out;
    std::string line;
    bool header_seen = false;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (!header_seen) {  // name,wgs84_lng,wgs84_lat,gcj02_lng,gcj02_lat
            header_seen = true;
            continue;
        }
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, ',')) cols.push_back(col);
        if (cols.size() != 5) throw std::runtime_error("bad vector line: " + line);
        out.push_back(
            {cols[0], {std::stod(cols[1]), std::stod(cols[2])}, {std::stod(cols[3]), std::stod(cols[4])}});
    }
    return out;
}

TEST(Gcj02, EveryReferenceVectorAgreesToAMicrodegree) {
    auto vectors = read_vectors();
    ASSERT_GE(vectors.size(), 9u);
    for (const auto& v : vectors) {
        LngLat got = kw::domain::wgs84_to_gcj02(v.wgs84);
        EXPECT_NEAR(got.lng, v.gcj02.lng, 1e-6) << v.name;
        EXPECT_NEAR(got.lat, v.gcj02.lat, 1e-6) << v.name;
    }
}

TEST(Gcj02, PointsInChinaAreShiftedByHundredsOfMetres) {
    LngLat tiananmen{116.397428, 39.90923};
    LngLat shifted = kw::domain::wgs84_to_gcj02(tiananmen);
    double d = kw::domain::distance_m(tiananmen, shifted);
    EXPECT_GT(d, 100.0);
    EXPECT_LT(d, 1000.0);
}

TEST(Gcj02, PointsOutsideChinaAreUnchanged) {
    LngLat tokyo{139.691706, 35.689487};
    EXPECT_TRUE(kw::domain::outside_china(tokyo));
    LngLat got = kw::domain::wgs84_to_gcj02(tokyo);
    EXPECT_EQ(got.lng, tokyo.lng);
    EXPECT_EQ(got.lat, tokyo.lat);
}

TEST(OutsideChina, UsesThePublishedBox) {
    EXPECT_FALSE(kw::domain::outside_china({116.4, 39.9}));
    EXPECT_TRUE(kw::domain::outside_china({72.0, 39.9}));
    EXPECT_FALSE(kw::domain::outside_china({72.004, 39.9}));
    EXPECT_TRUE(kw::domain::outside_china({137.8348, 39.9}));
    EXPECT_TRUE(kw::domain::outside_china({116.4, 0.8292}));
    EXPECT_TRUE(kw::domain::outside_china({116.4, 55.8272}));
    EXPECT_TRUE(kw::domain::outside_china({13.404954, 52.520008}));
}

TEST(DistanceM, OneDegreeOfLatitudeIsRTimesPiOver180) {
    const double r = 6371008.8;
    EXPECT_NEAR(kw::domain::distance_m({0, 0}, {0, 1}), r * std::numbers::pi / 180, 1e-6);
    EXPECT_NEAR(kw::domain::distance_m({116.4, 10}, {116.4, 11}), r * std::numbers::pi / 180, 1e-6);
}

TEST(DistanceM, IsSymmetricZeroOnSamePointAndHalfCircumferenceAtAntipodes) {
    LngLat a{116.397428, 39.90923}, b{121.490317, 31.240018};
    EXPECT_DOUBLE_EQ(kw::domain::distance_m(a, b), kw::domain::distance_m(b, a));
    EXPECT_EQ(kw::domain::distance_m(a, a), 0.0);
    // Beijing - Shanghai is about 1067 km.
    EXPECT_NEAR(kw::domain::distance_m(a, b), 1'067'000, 5'000);
    EXPECT_NEAR(kw::domain::distance_m({0, 0}, {180, 0}), 6371008.8 * std::numbers::pi, 1e-3);
}

TEST(ValidLngLat, RejectsOutOfRangeAndNonFinite) {
    EXPECT_TRUE(kw::domain::valid_lng_lat({116.4, 39.9}));
    EXPECT_TRUE(kw::domain::valid_lng_lat({-180, -90}));
    EXPECT_TRUE(kw::domain::valid_lng_lat({180, 90}));
    EXPECT_FALSE(kw::domain::valid_lng_lat({180.0001, 0}));
    EXPECT_FALSE(kw::domain::valid_lng_lat({0, -90.0001}));
    EXPECT_FALSE(kw::domain::valid_lng_lat({std::numeric_limits<double>::quiet_NaN(), 0}));
    EXPECT_FALSE(kw::domain::valid_lng_lat({0, std::numeric_limits<double>::infinity()}));
}

}  // namespace
