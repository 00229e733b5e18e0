#include "http/metrics_endpoint.hpp"

#include <openssl/crypto.h>

#include "http/errors.hpp"

namespace kw::http {

std::optional<Response> refuse_metrics(const Request& request, const std::string& token) {
    // Off looks like a path that does not exist: no hint that a token would open it.
    if (token.empty()) return error_response(404, "not_found", "no such path");
    if (request.method != "GET" && request.method != "HEAD") return error_response(405, "method_not_allowed", "use GET");
    const std::string& given = request.bearer_token;
    if (given.size() != token.size() || CRYPTO_memcmp(given.data(), token.data(), token.size()) != 0) {
        Response refused = error_response(401, "unauthorized", "missing or wrong metrics token");
        refused.headers.emplace_back("WWW-Authenticate", "Bearer");
        return refused;
    }
    return std::nullopt;
}

Response metrics_response(std::string text) {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = std::move(text);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

}  // namespace kw::http
