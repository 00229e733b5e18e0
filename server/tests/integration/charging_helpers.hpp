#pragma once
// Shared set-up of the charging end-to-end tests: a flat tariff, a station, chargers under the
// simulator, a driver with money.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "stack.hpp"

namespace kw::test {

// Prices in 1/10000 yuan per kWh, the same all day.
inline boost::json::value flat_tariff(long long electricity, long long service) {
    return boost::json::parse(R"({"prices":{"flat":{"electricity":)" + std::to_string(electricity) +
                              R"(,"service":)" + std::to_string(service) +
                              R"(}},"periods":[["00:00","24:00","flat"]]})");
}

// The billing rule of shared/testdata/README.md, written again here on purpose: an independent check.
inline long long fee_fen(long long wh, long long price) { return (wh * price + 50000) / 100000; }

inline long long sim_register(Sim& sim, const std::string& code, int connector = 1) {
    auto s = sim.status(code);
    return s.at("charger").at("connectors").as_array().at(connector - 1).at("energy_wh").as_int64();
}

inline std::string order_body(const std::string& code, int connector = 1) {
    return boost::json::serialize(boost::json::object{{"charger_code", code}, {"connector", connector}});
}

inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

}  // namespace kw::test
