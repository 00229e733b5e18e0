#pragma once
// Coordinates. Chargers and phones report WGS-84; Chinese map SDKs (Amap, Tencent) draw GCJ-02, so
// a station shown on such a map is converted with wgs84_to_gcj02. Pure functions, any thread.
namespace kw::domain {

struct LngLat {
    double lng = 0;
    double lat = 0;
};

// Finite, lng in [-180, 180], lat in [-90, 90].
bool valid_lng_lat(LngLat p);

// The rough mainland-China box the published GCJ-02 algorithm uses to decide whether to shift.
bool outside_china(LngLat p);

// WGS-84 -> GCJ-02 (the published algorithm, Krasovsky 1940 ellipsoid). Points outside China are
// returned unchanged.
LngLat wgs84_to_gcj02(LngLat p);

// Great-circle distance in metres (haversine, mean Earth radius 6371008.8 m).
double distance_m(LngLat a, LngLat b);

// A point with its latitude in radians and that latitude's cosine, computed once for ranking many
// points against one centre.
struct GeoPoint {
    LngLat at;
    double lat_rad = 0;
    double cos_lat = 1;
};
GeoPoint geo_point(LngLat p);
// The same double, to the bit, as distance_m(a.at, b.at), without recomputing the cosines.
double distance_m_between(const GeoPoint& a, const GeoPoint& b);
// The great-circle distance is never below the distance along a meridian between the two
// latitudes: a lower bound from latitude alone, a little under it so rounding keeps it one.
double meridian_bound_m(double lat_a, double lat_b);

}  // namespace kw::domain
