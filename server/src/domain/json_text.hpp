#pragma once
// The one JSON writer of the server: HTTP bodies, WebSocket pushes, MQTT commands, Redis values and
// audit/SMS lines are all written through it, so a number looks the same wherever it appears.
// Why not boost::json::serialize: Boost.JSON 1.81 writes doubles as Ryu's `1.214737E2`; developers
// (and JavaScript's JSON.stringify) expect `121.4737`. Doubles are written in the shortest form
// that reads back to the same double, laid out as JavaScript's Number#toString does: plain decimals
// for 1e-7 <= |x| < 1e21 (`0.5`, `1000000`, `0.000001`), exponent form outside (`1e-7`, `1e+21`);
// an integral double has no `.0`; -0 is written `0`; NaN and infinities are written `null` (as
// JSON.stringify does) because no JSON number can carry them. Pure functions, any thread.
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace kw::domain {

std::string to_json(const boost::json::value& v);
void append_json(std::string& out, const boost::json::value& v);
void append_json_string(std::string& out, std::string_view s);
void append_json_double(std::string& out, double d);
// The same text as a string, for values kept outside JSON (Redis hash fields).
std::string double_text(double d);

}  // namespace kw::domain
