#pragma once
// Reading request bodies and query strings strictly, and writing JSON responses. Every problem is a
// kw::Error(bad_request) whose message names the field, so clients learn what to fix.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "domain/json_fields.hpp"
#include "http/request.hpp"

namespace kw::http {

// The body as a JSON object; bad_request if it is not valid JSON or not an object.
boost::json::object parse_object(const std::string& body);

// The field readers live in domain/json_fields (the device adapters use them too).
using domain::optional_bool;
using domain::optional_double;
using domain::optional_int;
using domain::optional_string;
using domain::require_bool;
using domain::require_double;
using domain::require_int;
using domain::require_string;

// Query parameters.
std::optional<std::string> query_string(const Request& r, const char* name);
std::optional<std::int64_t> query_int(const Request& r, const char* name);
std::optional<double> query_double(const Request& r, const char* name);
// A path parameter that must be a positive integer id; not_found if it is not.
std::int64_t path_id(const Request& r, const char* name);

// Pagination: ?page=1&page_size=20 (page_size 1..100). Lists answer
// {"items":[...],"total":N,"page":P,"page_size":S}.
struct Page {
    std::int64_t page = 1;
    std::int64_t size = 20;
    std::int64_t offset() const { return (page - 1) * size; }
};
Page query_page(const Request& r);
boost::json::object page_body(boost::json::array items, std::int64_t total, const Page& page);

Response json_response(const boost::json::value& body, int status = 200);
Response no_content();

}  // namespace kw::http
