#pragma once
// Strict readers of JSON object members, shared by every edge that parses JSON (HTTP bodies in
// http/json_body, charger payloads in device/mqtt): each problem is a kw::Error(bad_request) whose
// message names the field. A null member counts as absent. Pure functions, any thread.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

namespace kw::domain {

std::string require_string(const boost::json::object& o, const char* field, std::size_t max_len = 255);
std::optional<std::string> optional_string(const boost::json::object& o, const char* field, std::size_t max_len = 255);
std::int64_t require_int(const boost::json::object& o, const char* field);
std::optional<std::int64_t> optional_int(const boost::json::object& o, const char* field);
double require_double(const boost::json::object& o, const char* field);
std::optional<double> optional_double(const boost::json::object& o, const char* field);
bool require_bool(const boost::json::object& o, const char* field);
std::optional<bool> optional_bool(const boost::json::object& o, const char* field);

}  // namespace kw::domain
