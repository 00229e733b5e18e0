#pragma once
// Finding stations for drivers: GCJ-02 input turned back into WGS-84, the bounding box that
// prefilters a radius search in SQL, and how a connector's live status is counted in a station's
// summary. Pure functions; any thread may call them.
#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/geo.hpp"

namespace kw::domain {

// GCJ-02 -> WGS-84. There is no closed form: this iterates the forward transform
// (w := w - (wgs84_to_gcj02(w) - g)) until it moves less than 1e-9 degrees (at most 30 steps), which
// lands within a few centimetres. Points outside China are returned unchanged.
LngLat gcj02_to_wgs84(LngLat gcj);

// A box in degrees. wraps: the box crosses the antimeridian, lng is >= min_lng OR <= max_lng.
struct GeoBox {
    double min_lng = -180, max_lng = 180, min_lat = -90, max_lat = 90;
    bool wraps = false;
};

// The smallest lat/lng box that holds every point within radius_m of center (a little larger, never
// smaller). Near a pole, or when the radius spans all longitudes, lng is unbounded.
GeoBox box_around(LngLat center, double radius_m);
// Inside the box, edges included (what the SQL box query of store/stations_repo selects).
bool in_box(const GeoBox& box, LngLat p);

// The stations nearest a point, from their points in memory. Sorted by latitude, so a search scans
// outward from the centre's latitude and stops once the latitude difference alone (meridian_bound_m)
// puts every remaining point beyond the radius or the k-th found. The answer is exactly that of
// measuring every point inside box_around and sorting by (distance, id). Immutable; any thread.
class PointRanking {
public:
    struct Input {
        std::int64_t id = 0;
        LngLat at;
    };
    struct Ranked {
        double distance_m = 0;
        std::int64_t id = 0;
    };
    explicit PointRanking(const std::vector<Input>& points);
    // At most k, nearest first, ties by id; only points within radius_m.
    std::vector<Ranked> nearest(LngLat center, double radius_m, std::size_t k) const;
    std::size_t size() const { return by_lat_.size(); }

private:
    struct Entry {
        GeoPoint point;
        std::int64_t id = 0;
    };
    std::vector<Entry> by_lat_;
};

// A connector as a station summary counts it.
enum class ConnectorBucket { available, charging, faulted, offline };

// charger offline -> offline; available -> available; preparing/charging/suspended/finishing ->
// charging (in use); faulted/unavailable -> faulted; unknown or anything else -> offline.
ConnectorBucket bucket_of(std::string_view status, bool charger_online);

struct ConnectorCounts {
    std::int64_t total = 0, available = 0, charging = 0, faulted = 0, offline = 0;
    void add(ConnectorBucket bucket);
};

}  // namespace kw::domain
