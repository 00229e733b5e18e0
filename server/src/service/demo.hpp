#pragma once
// Demo data for `make run`: a time-of-use tariff, stations in Shanghai, Beijing and Shenzhen with AC
// and DC chargers, a demo driver with a balance. Only into an empty database. The chargers' MQTT
// credentials are written to csv_path (code,password,kind,connectors,rated_w) for kilowatt-sim.
#include <string>

#include "app/context.hpp"

namespace kw::service {

void seed_demo(app::Context& ctx, const std::string& csv_path);

}  // namespace kw::service
