// Who may read GET /metrics: nobody while the token is unset (404), only the right bearer token.
#include <gtest/gtest.h>

#include "http/metrics_endpoint.hpp"

namespace kw::http {
namespace {

Request scrape(const std::string& token, const std::string& method = "GET") {
    Request r;
    r.method = method;
    r.path = kMetricsPath;
    r.bearer_token = token;
    return r;
}

const std::string kToken = "0123456789abcdef-metrics";

TEST(MetricsEndpoint, IsNotFoundWhileNoTokenIsConfigured) {
    auto refused = refuse_metrics(scrape(""), "");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 404);
}

TEST(MetricsEndpoint, RefusesAMissingOrWrongOrPrefixToken) {
    for (const std::string& given : {std::string(), std::string("wrong"), kToken.substr(0, 10), kToken + "x"}) {
        auto refused = refuse_metrics(scrape(given), kToken);
        ASSERT_TRUE(refused) << given;
        EXPECT_EQ(refused->status, 401) << given;
        EXPECT_NE(refused->body.find("\"code\":\"unauthorized\""), std::string::npos) << refused->body;
    }
}

TEST(MetricsEndpoint, LetsTheRightTokenScrapeWithGetOnly) {
    EXPECT_FALSE(refuse_metrics(scrape(kToken), kToken));
    auto refused = refuse_metrics(scrape(kToken, "POST"), kToken);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 405);
}

TEST(MetricsEndpoint, AnswersInTheTextFormatVersion004) {
    Response r = metrics_response("kw_x 1\n");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(r.body, "kw_x 1\n");
}

}  // namespace
}  // namespace kw::http
