#pragma once
// Escaping user text for SQL LIKE patterns: a store concern (the escape character is part of the SQL
// text the repositories write), kept here so repositories need not include a service header.
#include <string>
#include <string_view>

namespace kw::store {

// "50%_off" -> "50!%!_off" for `LIKE :p ESCAPE '!'`.
std::string like_escape(std::string_view text);

}  // namespace kw::store
