#pragma once
// SQL for server_secrets: named random values shared by every instance of one installation.
#include <soci/soci.h>

#include <string>

namespace kw::store {

// The stored value of `name`; stores `candidate` first if there is none. When several instances
// start at once, every one of them gets the value that was stored first.
std::string ensure_secret(soci::session& sql, const std::string& name, const std::string& candidate);

}  // namespace kw::store
