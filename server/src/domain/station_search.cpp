#include "domain/station_search.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kw::domain {

LngLat gcj02_to_wgs84(LngLat gcj) {
    if (outside_china(gcj)) return gcj;
    LngLat w = gcj;
    for (int i = 0; i < 30; ++i) {
        LngLat f = wgs84_to_gcj02(w);
        double d_lng = f.lng - gcj.lng, d_lat = f.lat - gcj.lat;
        w.lng -= d_lng;
        w.lat -= d_lat;
        if (std::fabs(d_lng) < 1e-9 && std::fabs(d_lat) < 1e-9) break;
    }
    return w;
}

GeoBox box_around(LngLat center, double radius_m) {
    // Degrees per metre on the mean sphere, padded by 1% so rounding never cuts a point off.
    constexpr double kMetresPerDegree = 6371008.8 * std::numbers::pi / 180.0;
    const double d_lat = radius_m / kMetresPerDegree * 1.01;
    GeoBox box;
    box.min_lat = std::max(-90.0, center.lat - d_lat);
    box.max_lat = std::min(90.0, center.lat + d_lat);
    // The widest longitude span is at the latitude farthest from the equator inside the box.
    const double far_lat = std::max(std::fabs(box.min_lat), std::fabs(box.max_lat));
    const double cos_lat = std::cos(far_lat * std::numbers::pi / 180.0);
    if (far_lat >= 89.9 || cos_lat <= 1e-6) return box;  // around a pole: every longitude
    const double d_lng = d_lat / cos_lat;
    if (d_lng >= 180.0) return box;
    box.min_lng = center.lng - d_lng;
    box.max_lng = center.lng + d_lng;
    if (box.min_lng < -180.0) {
        box.min_lng += 360.0;
        box.wraps = true;
    } else if (box.max_lng > 180.0) {
        box.max_lng -= 360.0;
        box.wraps = true;
    }
    return box;
}

bool in_box(const GeoBox& box, LngLat p) {
    if (p.lat < box.min_lat || p.lat > box.max_lat) return false;
    return box.wraps ? (p.lng >= box.min_lng || p.lng <= box.max_lng) : (p.lng >= box.min_lng && p.lng <= box.max_lng);
}

ConnectorBucket bucket_of(std::string_view status, bool charger_online) {
    if (!charger_online) return ConnectorBucket::offline;
    if (status == "available") return ConnectorBucket::available;
    if (status == "preparing" || status == "charging" || status == "suspended" || status == "finishing")
        return ConnectorBucket::charging;
    if (status == "faulted" || status == "unavailable") return ConnectorBucket::faulted;
    return ConnectorBucket::offline;
}

void ConnectorCounts::add(ConnectorBucket bucket) {
    ++total;
    switch (bucket) {
        case ConnectorBucket::available:
            ++available;
            break;
        case ConnectorBucket::charging:
            ++charging;
            break;
        case ConnectorBucket::faulted:
            ++faulted;
            break;
        case ConnectorBucket::offline:
            ++offline;
            break;
    }
}

}  // namespace kw::domain
