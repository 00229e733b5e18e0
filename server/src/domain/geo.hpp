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

}  // namespace kw::domain
