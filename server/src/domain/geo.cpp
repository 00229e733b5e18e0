#include "domain/geo.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kw::domain {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kKrasovskyA = 6378245.0;                // semi-major axis
constexpr double kKrasovskyEe = 0.00669342162296594323;  // eccentricity squared
constexpr double kEarthRadiusM = 6371008.8;

double transform_lat(double x, double y) {
    double ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    ret += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    ret += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
    ret += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
    return ret;
}

double transform_lng(double x, double y) {
    double ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    ret += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    ret += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
    ret += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
    return ret;
}

double radians(double deg) { return deg * kPi / 180.0; }

}  // namespace

bool valid_lng_lat(LngLat p) {
    return std::isfinite(p.lng) && std::isfinite(p.lat) && p.lng >= -180.0 && p.lng <= 180.0 &&
           p.lat >= -90.0 && p.lat <= 90.0;
}

bool outside_china(LngLat p) {
    return p.lng < 72.004 || p.lng > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

LngLat wgs84_to_gcj02(LngLat p) {
    if (outside_china(p)) return p;
    double d_lat = transform_lat(p.lng - 105.0, p.lat - 35.0);
    double d_lng = transform_lng(p.lng - 105.0, p.lat - 35.0);
    double rad_lat = radians(p.lat);
    double magic = std::sin(rad_lat);
    magic = 1 - kKrasovskyEe * magic * magic;
    double sqrt_magic = std::sqrt(magic);
    d_lat = (d_lat * 180.0) / ((kKrasovskyA * (1 - kKrasovskyEe)) / (magic * sqrt_magic) * kPi);
    d_lng = (d_lng * 180.0) / (kKrasovskyA / sqrt_magic * std::cos(rad_lat) * kPi);
    return LngLat{p.lng + d_lng, p.lat + d_lat};
}

double distance_m(LngLat a, LngLat b) { return distance_m_between(geo_point(a), geo_point(b)); }

GeoPoint geo_point(LngLat p) {
    const double lat = radians(p.lat);
    return {p, lat, std::cos(lat)};
}

double distance_m_between(const GeoPoint& a, const GeoPoint& b) {
    const double d_lat = b.lat_rad - a.lat_rad;
    const double d_lng = radians(b.at.lng - a.at.lng);
    const double s_lat = std::sin(d_lat / 2);
    const double s_lng = std::sin(d_lng / 2);
    double h = s_lat * s_lat + a.cos_lat * b.cos_lat * s_lng * s_lng;
    h = std::min(1.0, h);
    return 2 * kEarthRadiusM * std::asin(std::sqrt(h));
}

double meridian_bound_m(double lat_a, double lat_b) {
    return kEarthRadiusM * std::fabs(radians(lat_b) - radians(lat_a)) * (1 - 1e-9) - 1e-3;
}

}  // namespace kw::domain
