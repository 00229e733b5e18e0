#include "domain/json_fields.hpp"

#include <cmath>

#include "domain/error.hpp"

namespace kw::domain {

namespace {

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

const boost::json::value* find(const boost::json::object& o, const char* field) {
    auto it = o.find(field);
    if (it == o.end() || it->value().is_null()) return nullptr;
    return &it->value();
}

}  // namespace

std::optional<std::string> optional_string(const boost::json::object& o, const char* field, std::size_t max_len) {
    const auto* v = find(o, field);
    if (!v) return std::nullopt;
    if (!v->is_string()) bad(std::string("field '") + field + "' must be a string");
    std::string s(v->as_string());
    if (s.size() > max_len) bad(std::string("field '") + field + "' is longer than " + std::to_string(max_len));
    return s;
}

std::string require_string(const boost::json::object& o, const char* field, std::size_t max_len) {
    auto s = optional_string(o, field, max_len);
    if (!s) bad(std::string("field '") + field + "' is required");
    return *s;
}

std::optional<std::int64_t> optional_int(const boost::json::object& o, const char* field) {
    const auto* v = find(o, field);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->as_uint64());
    bad(std::string("field '") + field + "' must be an integer");
}

std::int64_t require_int(const boost::json::object& o, const char* field) {
    auto v = optional_int(o, field);
    if (!v) bad(std::string("field '") + field + "' is required");
    return *v;
}

std::optional<double> optional_double(const boost::json::object& o, const char* field) {
    const auto* v = find(o, field);
    if (!v) return std::nullopt;
    if (v->is_double() && std::isfinite(v->as_double())) return v->as_double();
    if (v->is_int64()) return static_cast<double>(v->as_int64());
    if (v->is_uint64()) return static_cast<double>(v->as_uint64());
    bad(std::string("field '") + field + "' must be a number");
}

double require_double(const boost::json::object& o, const char* field) {
    auto v = optional_double(o, field);
    if (!v) bad(std::string("field '") + field + "' is required");
    return *v;
}

std::optional<bool> optional_bool(const boost::json::object& o, const char* field) {
    const auto* v = find(o, field);
    if (!v) return std::nullopt;
    if (!v->is_bool()) bad(std::string("field '") + field + "' must be true or false");
    return v->as_bool();
}

bool require_bool(const boost::json::object& o, const char* field) {
    auto v = optional_bool(o, field);
    if (!v) bad(std::string("field '") + field + "' is required");
    return *v;
}

}  // namespace kw::domain
