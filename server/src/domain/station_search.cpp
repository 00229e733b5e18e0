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

PointRanking::PointRanking(const std::vector<Input>& points) {
    by_lat_.reserve(points.size());
    for (const Input& p : points) by_lat_.push_back({geo_point(p.at), p.id});
    std::sort(by_lat_.begin(), by_lat_.end(), [](const Entry& a, const Entry& b) {
        return a.point.at.lat != b.point.at.lat ? a.point.at.lat < b.point.at.lat : a.id < b.id;
    });
}

std::vector<PointRanking::Ranked> PointRanking::nearest(LngLat center, double radius_m, std::size_t k) const {
    std::vector<Ranked> heap;  // the best k so far, the worst on top
    if (k == 0) return heap;
    heap.reserve(k + 1);
    const auto nearer = [](const Ranked& a, const Ranked& b) {
        return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.id < b.id;
    };
    const GeoBox box = box_around(center, radius_m);
    const GeoPoint c = geo_point(center);
    // Strictly beyond: a point exactly as far as the k-th may still win on its id.
    const auto beyond = [&](const Entry& e) {
        const double bound = meridian_bound_m(center.lat, e.point.at.lat);
        return bound > radius_m || (heap.size() == k && bound > heap.front().distance_m);
    };
    const auto consider = [&](const Entry& e) {
        if (!in_box(box, e.point.at)) return;
        const Ranked r{distance_m_between(c, e.point), e.id};
        if (r.distance_m > radius_m) return;
        if (heap.size() < k) {
            heap.push_back(r);
            std::push_heap(heap.begin(), heap.end(), nearer);
        } else if (nearer(r, heap.front())) {
            std::pop_heap(heap.begin(), heap.end(), nearer);
            heap.back() = r;
            std::push_heap(heap.begin(), heap.end(), nearer);
        }
    };
    // up: the next index northwards; down: one past the next southwards. Taking the side whose next
    // point is closer in latitude makes each side's bound grow, so a side once beyond stays beyond.
    std::size_t up = static_cast<std::size_t>(
        std::lower_bound(by_lat_.begin(), by_lat_.end(), center.lat,
                         [](const Entry& e, double lat) { return e.point.at.lat < lat; }) -
        by_lat_.begin());
    std::size_t down = up;
    bool up_open = up < by_lat_.size(), down_open = down > 0;
    while (up_open || down_open) {
        const bool take_up = !down_open || (up_open && by_lat_[up].point.at.lat - center.lat <=
                                                           center.lat - by_lat_[down - 1].point.at.lat);
        const Entry& e = take_up ? by_lat_[up] : by_lat_[down - 1];
        if (beyond(e)) {
            (take_up ? up_open : down_open) = false;
            continue;
        }
        consider(e);
        if (take_up)
            up_open = ++up < by_lat_.size();
        else
            down_open = --down > 0;
    }
    std::sort_heap(heap.begin(), heap.end(), nearer);
    return heap;
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
