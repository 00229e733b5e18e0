#pragma once
// GET /metrics: who may scrape and what the answer looks like (the Beast file http_session.cpp calls
// these; no Beast here). The route is off (404) while the configured token is empty, and answers 401
// to a missing or wrong bearer token, compared in constant time. Any thread.
#include <optional>
#include <string>

#include "http/request.hpp"

namespace kw::http {

inline constexpr const char* kMetricsPath = "/metrics";

// The refusal for this request, or nullopt when it may scrape.
std::optional<Response> refuse_metrics(const Request& request, const std::string& token);

// 200 with the Prometheus text exposition format 0.0.4.
Response metrics_response(std::string text);

}  // namespace kw::http
