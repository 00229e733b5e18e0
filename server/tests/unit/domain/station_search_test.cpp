#include "domain/station_search.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace kw::domain {
namespace {

TEST(Gcj02Inverse, RecoversTheWgs84PointWithinACentimetre) {
    for (LngLat w : {LngLat{121.4737, 31.2304}, LngLat{116.3975, 39.9087}, LngLat{113.2644, 23.1291},
                     LngLat{87.6168, 43.8256}, LngLat{126.6425, 45.7567}}) {
        LngLat back = gcj02_to_wgs84(wgs84_to_gcj02(w));
        EXPECT_LT(distance_m(back, w), 0.01) << w.lng << "," << w.lat;
    }
}

TEST(Gcj02Inverse, PointsOutsideChinaAreUnchanged) {
    LngLat p{2.3522, 48.8566};
    LngLat back = gcj02_to_wgs84(p);
    EXPECT_EQ(back.lng, p.lng);
    EXPECT_EQ(back.lat, p.lat);
}

TEST(BoxAround, HoldsEveryPointOnTheCircle) {
    LngLat c{121.47, 31.23};
    const double r = 50000;
    GeoBox box = box_around(c, r);
    EXPECT_FALSE(box.wraps);
    for (int deg = 0; deg < 360; deg += 5) {
        // A point at distance r in direction deg, by bisection along the bearing.
        double a = deg * 3.14159265358979 / 180.0;
        double lo = 0, hi = 2.0;
        for (int i = 0; i < 60; ++i) {
            double mid = (lo + hi) / 2;
            LngLat p{c.lng + mid * std::sin(a) / std::cos(c.lat * 3.14159265358979 / 180.0),
                     c.lat + mid * std::cos(a)};
            (distance_m(c, p) < r ? lo : hi) = mid;
        }
        LngLat p{c.lng + lo * std::sin(a) / std::cos(c.lat * 3.14159265358979 / 180.0),
                 c.lat + lo * std::cos(a)};
        EXPECT_GE(p.lng, box.min_lng);
        EXPECT_LE(p.lng, box.max_lng);
        EXPECT_GE(p.lat, box.min_lat);
        EXPECT_LE(p.lat, box.max_lat);
    }
    // ...and is not absurdly larger than the circle.
    EXPECT_LT(box.max_lat - box.min_lat, 2 * r / 111000.0 * 1.05);
}

TEST(BoxAround, CrossingTheAntimeridianWraps) {
    GeoBox box = box_around({179.9, 0}, 50000);
    EXPECT_TRUE(box.wraps);
    EXPECT_GT(box.min_lng, 179.0);
    EXPECT_LT(box.max_lng, -179.0);
}

TEST(BoxAround, NearAPoleEveryLongitudeIsIncluded) {
    GeoBox box = box_around({10, 89.9}, 50000);
    EXPECT_FALSE(box.wraps);
    EXPECT_EQ(box.min_lng, -180);
    EXPECT_EQ(box.max_lng, 180);
    EXPECT_EQ(box.max_lat, 90);
}

TEST(InBox, SelectsWhatTheBoxHoldsEdgesIncluded) {
    GeoBox box{120.0, 122.0, 30.0, 32.0, false};
    EXPECT_TRUE(in_box(box, {121.0, 31.0}));
    EXPECT_TRUE(in_box(box, {120.0, 32.0})) << "edges are inside, as in the SQL query";
    EXPECT_FALSE(in_box(box, {119.99, 31.0}));
    EXPECT_FALSE(in_box(box, {121.0, 32.01}));
}

TEST(InBox, AWrappingBoxHoldsBothSidesOfTheAntimeridian) {
    GeoBox box = box_around({179.9, 0.0}, 50000);
    ASSERT_TRUE(box.wraps);
    EXPECT_TRUE(in_box(box, {179.95, 0.0}));
    EXPECT_TRUE(in_box(box, {-179.9, 0.0}));
    EXPECT_FALSE(in_box(box, {0.0, 0.0}));
    EXPECT_TRUE(in_box(GeoBox{}, {-180.0, -90.0})) << "the default box is the whole globe";
}

TEST(ConnectorBuckets, OfflineChargerMakesEveryConnectorOffline) {
    EXPECT_EQ(bucket_of("available", false), ConnectorBucket::offline);
    EXPECT_EQ(bucket_of("charging", false), ConnectorBucket::offline);
}

TEST(ConnectorBuckets, StatusesMapToTheirBuckets) {
    EXPECT_EQ(bucket_of("available", true), ConnectorBucket::available);
    for (auto s : {"preparing", "charging", "suspended", "finishing"})
        EXPECT_EQ(bucket_of(s, true), ConnectorBucket::charging) << s;
    EXPECT_EQ(bucket_of("faulted", true), ConnectorBucket::faulted);
    EXPECT_EQ(bucket_of("unavailable", true), ConnectorBucket::faulted);
    EXPECT_EQ(bucket_of("unknown", true), ConnectorBucket::offline);
    EXPECT_EQ(bucket_of("", true), ConnectorBucket::offline);
}

TEST(ConnectorBuckets, CountsAddUpToTheTotal) {
    ConnectorCounts c;
    c.add(ConnectorBucket::available);
    c.add(ConnectorBucket::available);
    c.add(ConnectorBucket::charging);
    c.add(ConnectorBucket::faulted);
    c.add(ConnectorBucket::offline);
    EXPECT_EQ(c.total, 5);
    EXPECT_EQ(c.available, 2);
    EXPECT_EQ(c.charging, 1);
    EXPECT_EQ(c.faulted, 1);
    EXPECT_EQ(c.offline, 1);
}

}  // namespace
}  // namespace kw::domain
