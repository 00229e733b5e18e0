#pragma once
// Demo data for `make run`: a time-of-use tariff, stations in Shanghai, Beijing and Shenzhen with AC
// and DC chargers, a demo driver with a balance. Seeds only an empty database (employees such as the
// bootstrap admin may exist) and marks every row it creates (store/demo_repo.hpp); refuses
// MySQL/MariaDB unless demo.allow_mysql. The chargers' MQTT credentials are written to csv_path
// (code,password,kind,connectors,rated_w) for kilowatt-sim. On a later start of a seeded database
// it reuses the passwords in csv_path and issues a new one only to a demo charger missing there;
// other rows (an operator's own chargers) are never touched. Throws kw::Error when it refuses.
#include <string>

#include "app/context.hpp"

namespace kw::service {

void seed_demo(app::Context& ctx, const std::string& csv_path);

}  // namespace kw::service
