#pragma once
// Tariff use cases for the staff console: list, read, create, edit, delete. Each write validates the
// whole spec (domain::parse_tariff), records an audit row in the same transaction, and is where a
// cache of parsed tariffs must be told about the change. Worker threads only.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "app/context.hpp"
#include "service/paged.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::service {

Paged<store::TariffRow> list_tariffs(app::Context& ctx, std::int64_t limit, std::int64_t offset);
// kw::Error(not_found) without such a tariff.
store::TariffRow get_tariff(app::Context& ctx, std::int64_t id);

// name: already normalized by the caller. prices_and_periods: {prices, periods}, validated here
// (bad_request naming the problem).
store::TariffRow create_tariff(app::Context& ctx, std::int64_t employee_id, const std::string& name,
                               const boost::json::object& prices_and_periods);

// Fields not given keep their stored value; the result is validated as a whole.
struct TariffChanges {
    std::optional<std::string> name;  // normalized
    std::optional<boost::json::value> prices;
    std::optional<boost::json::value> periods;
};
store::TariffRow update_tariff(app::Context& ctx, std::int64_t employee_id, std::int64_t id,
                               const TariffChanges& changes);

// kw::Error(in_use) while a station uses it.
void delete_tariff(app::Context& ctx, std::int64_t employee_id, std::int64_t id);

}  // namespace kw::service
