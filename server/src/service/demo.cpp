// TEMPORARY until the network slice's charger creation lands.
#include "service/demo.hpp"

#include "domain/error.hpp"

namespace kw::service {

void seed_demo(app::Context&, const std::string&) { throw Error(Errc::internal, "demo seeding not implemented yet"); }

}  // namespace kw::service
