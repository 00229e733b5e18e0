#include "http/json_body.hpp"

#include <charconv>
#include <cmath>

#include "domain/error.hpp"
#include "domain/json_text.hpp"

namespace kw::http {

namespace {

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

}  // namespace

boost::json::object parse_object(const std::string& body) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec) bad("body is not valid JSON: " + ec.message());
    if (!v.is_object()) bad("body must be a JSON object");
    return std::move(v.as_object());
}

std::optional<std::string> query_string(const Request& r, const char* name) {
    auto it = r.query.find(name);
    if (it == r.query.end() || it->second.empty()) return std::nullopt;
    if (it->second.size() > 255) bad(std::string("query parameter '") + name + "' is too long");
    return it->second;
}

std::optional<std::int64_t> query_int(const Request& r, const char* name) {
    auto s = query_string(r, name);
    if (!s) return std::nullopt;
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || ptr != s->data() + s->size())
        bad(std::string("query parameter '") + name + "' must be an integer");
    return v;
}

std::optional<double> query_double(const Request& r, const char* name) {
    auto s = query_string(r, name);
    if (!s) return std::nullopt;
    try {
        std::size_t used = 0;
        double v = std::stod(*s, &used);
        if (used != s->size() || !std::isfinite(v)) throw std::invalid_argument("x");
        return v;
    } catch (const std::exception&) {
        bad(std::string("query parameter '") + name + "' must be a number");
    }
}

std::int64_t path_id(const Request& r, const char* name) {
    auto it = r.params.find(name);
    std::int64_t v = 0;
    if (it != r.params.end()) {
        const std::string& s = it->second;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc() && ptr == s.data() + s.size() && v > 0) return v;
    }
    throw Error(Errc::not_found, std::string("no such ") + name);
}

Page query_page(const Request& r) {
    Page p;
    if (auto v = query_int(r, "page")) {
        if (*v < 1 || *v > 1'000'000) bad("query parameter 'page' must be between 1 and 1000000");
        p.page = *v;
    }
    if (auto v = query_int(r, "page_size")) {
        if (*v < 1 || *v > 100) bad("query parameter 'page_size' must be between 1 and 100");
        p.size = *v;
    }
    return p;
}

boost::json::object page_body(boost::json::array items, std::int64_t total, const Page& page) {
    return {{"items", std::move(items)}, {"total", total}, {"page", page.page}, {"page_size", page.size}};
}

Response json_response(const boost::json::value& body, int status) {
    Response r;
    r.status = status;
    r.body = domain::to_json(body);
    return r;
}

Response no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
}

}  // namespace kw::http
