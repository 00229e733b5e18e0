#pragma once
// Reading GET /metrics in tests: a scrape with the metrics token and the sum of a metric's samples.
// Header-only: metrics_test.cpp and the tests that prove a behaviour through a counter share it.
#include <sstream>
#include <string>

#include "http_client.hpp"
#include "stack.hpp"

namespace kw::test {

// The token a test's Stack is given with --server.metrics_token.
inline const std::string kMetricsToken = "metrics-token-0123456789";

// Sum of every sample of `name` whose label set contains `labels` (e.g. `kind="meter"`); -1 if none.
inline double sample_sum(const std::string& text, const std::string& name, const std::string& labels = "") {
    std::istringstream lines(text);
    double sum = 0;
    bool seen = false;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(name, 0) != 0) continue;
        const char next = line.size() > name.size() ? line[name.size()] : '\0';
        if (next != '{' && next != ' ') continue;
        const auto value_at = line.rfind(' ');
        if (!labels.empty() && line.substr(0, value_at).find(labels) == std::string::npos) continue;
        sum += std::stod(line.substr(value_at + 1));
        seen = true;
    }
    return seen ? sum : -1;
}

// The /metrics text of a stack started with --server.metrics_token=kMetricsToken; empty on failure.
inline std::string scrape(Stack& stack) {
    HttpClient client("127.0.0.1", stack.http_port());
    auto r = client.get("/metrics", kMetricsToken);
    return r.status == 200 ? r.body : std::string();
}

}  // namespace kw::test
