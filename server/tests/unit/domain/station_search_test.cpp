#include "domain/station_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

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

// What the nearby search did before the in-memory ranking: every point in the box measured, those
// within the radius sorted by (distance, id).
std::vector<PointRanking::Ranked> rank_every_point(const std::vector<PointRanking::Input>& points, LngLat c,
                                                   double radius_m, std::size_t k) {
    std::vector<PointRanking::Ranked> all;
    const GeoBox box = box_around(c, radius_m);
    for (const auto& p : points) {
        if (!in_box(box, p.at)) continue;
        const double d = distance_m(c, p.at);
        if (d <= radius_m) all.push_back({d, p.id});
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.id < b.id;
    });
    if (all.size() > k) all.resize(k);
    return all;
}

TEST(PointRanking, FindsExactlyWhatMeasuringEveryPointFinds) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> jitter(-0.3, 0.3);
    std::vector<PointRanking::Input> points;
    std::int64_t id = 1;
    for (int i = 0; i < 1500; ++i) points.push_back({id++, {121.47 + jitter(rng), 31.23 + jitter(rng)}});
    // Exact ties: the same place under several ids, and a grid (equal distances from its centre).
    for (int i = 0; i < 5; ++i) points.push_back({id++, {121.48, 31.24}});
    for (int x = -5; x <= 5; ++x)
        for (int y = -5; y <= 5; ++y) points.push_back({id++, {121.47 + x * 0.005, 31.23 + y * 0.005}});
    // Both sides of the antimeridian.
    for (int i = 0; i < 50; ++i) points.push_back({id++, {(i % 2 ? 179.9 : -179.9) + jitter(rng) / 10, jitter(rng)}});
    const PointRanking ranking(points);
    ASSERT_EQ(ranking.size(), points.size());
    for (LngLat c : {LngLat{121.47, 31.23}, LngLat{121.48, 31.24}, LngLat{121.2, 31.5}, LngLat{179.95, 0.0},
                     LngLat{-179.95, 0.01}, LngLat{0.0, 0.0}})
        for (double r : {500.0, 5'000.0, 50'000.0, 500'000.0})
            for (std::size_t k : {1u, 5u, 20u, 100u, 5000u}) {
                const auto got = ranking.nearest(c, r, k);
                const auto want = rank_every_point(points, c, r, k);
                ASSERT_EQ(got.size(), want.size()) << c.lng << "," << c.lat << " r=" << r << " k=" << k;
                for (std::size_t i = 0; i < got.size(); ++i) {
                    EXPECT_EQ(got[i].id, want[i].id) << i;
                    EXPECT_EQ(got[i].distance_m, want[i].distance_m) << i;
                }
            }
}

TEST(PointRanking, NothingAskedOrNothingNearGivesNothing) {
    const PointRanking ranking(std::vector<PointRanking::Input>{{1, {121.47, 31.23}}});
    EXPECT_TRUE(ranking.nearest({121.47, 31.23}, 1000, 0).empty());
    EXPECT_TRUE(ranking.nearest({116.4, 39.9}, 1000, 5).empty());
    EXPECT_TRUE(PointRanking(std::vector<PointRanking::Input>{}).nearest({0, 0}, 1000, 5).empty());
}

TEST(GeoPointDistance, IsTheSameDoubleAsTheHaversineOfTwoCoordinates) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> lng(-180, 180), lat(-90, 90);
    for (int i = 0; i < 1000; ++i) {
        LngLat a{lng(rng), lat(rng)}, b{lng(rng), lat(rng)};
        // The formula as distance_m had it written before GeoPoint existed.
        const double kR = 6371008.8;
        double lat1 = a.lat * std::numbers::pi / 180.0, lat2 = b.lat * std::numbers::pi / 180.0;
        double d_lat = lat2 - lat1, d_lng = (b.lng - a.lng) * std::numbers::pi / 180.0;
        double h = std::sin(d_lat / 2) * std::sin(d_lat / 2) +
                   std::cos(lat1) * std::cos(lat2) * std::sin(d_lng / 2) * std::sin(d_lng / 2);
        const double want = 2 * kR * std::asin(std::sqrt(std::min(1.0, h)));
        EXPECT_EQ(distance_m_between(geo_point(a), geo_point(b)), want);
        EXPECT_EQ(distance_m(a, b), want);
        EXPECT_LE(meridian_bound_m(a.lat, b.lat), want);
    }
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
