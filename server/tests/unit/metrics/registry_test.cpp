// The Prometheus text exposition format 0.0.4 as kw::metrics::Registry writes it: HELP/TYPE lines,
// labelled children, cumulative histogram buckets with _sum and _count, escaped label values.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "metrics/registry.hpp"
#include "metrics/server_metrics.hpp"

namespace kw::metrics {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(MetricsText, CounterHasHelpTypeAndItsValue) {
    Registry r;
    Counter& c = r.counter("kw_things_total", "Things seen");
    c.inc();
    c.inc(2);
    EXPECT_EQ(r.render(), "# HELP kw_things_total Things seen\n# TYPE kw_things_total counter\nkw_things_total 3\n");
}

TEST(MetricsText, LabelledCountersShareOneHeaderAndKeepTheirOrder) {
    Registry r;
    r.counter("kw_msgs_total", "Messages", {{"kind", "boot"}, {"result", "applied"}}).inc(4);
    r.counter("kw_msgs_total", "Messages", {{"kind", "meter"}, {"result", "rejected"}}).inc();
    EXPECT_EQ(r.render(),
              "# HELP kw_msgs_total Messages\n# TYPE kw_msgs_total counter\n"
              "kw_msgs_total{kind=\"boot\",result=\"applied\"} 4\n"
              "kw_msgs_total{kind=\"meter\",result=\"rejected\"} 1\n");
}

TEST(MetricsText, SameNameAndLabelsGiveTheSameCounter) {
    Registry r;
    Counter& a = r.counter("kw_a_total", "A", {{"k", "v"}});
    Counter& b = r.counter("kw_a_total", "A", {{"k", "v"}});
    EXPECT_EQ(&a, &b);
}

TEST(MetricsText, HistogramWritesCumulativeBucketsSumAndCount) {
    Registry r;
    Histogram& h = r.histogram("kw_latency_seconds", "Latency", {0.125, 1}, {{"kind", "meter"}});
    h.observe(0.0625);
    h.observe(0.125);  // le is inclusive
    h.observe(0.5);
    h.observe(3);
    EXPECT_EQ(r.render(),
              "# HELP kw_latency_seconds Latency\n# TYPE kw_latency_seconds histogram\n"
              "kw_latency_seconds_bucket{kind=\"meter\",le=\"0.125\"} 2\n"
              "kw_latency_seconds_bucket{kind=\"meter\",le=\"1\"} 3\n"
              "kw_latency_seconds_bucket{kind=\"meter\",le=\"+Inf\"} 4\n"
              "kw_latency_seconds_sum{kind=\"meter\"} 3.6875\n"
              "kw_latency_seconds_count{kind=\"meter\"} 4\n");
}

TEST(MetricsText, LabelValuesAndHelpAreEscaped) {
    Registry r;
    r.gauge("kw_g", "a \\ b\nc", {{"route", "say \"hi\"\\\n"}}).set(-2);
    const std::string text = r.render();
    EXPECT_TRUE(contains(text, "# HELP kw_g a \\\\ b\\nc\n")) << text;
    EXPECT_TRUE(contains(text, "kw_g{route=\"say \\\"hi\\\"\\\\\\n\"} -2\n")) << text;
}

TEST(MetricsText, CallbackGaugeIsReadAtScrapeAndLeftOutWhenItThrows) {
    Registry r;
    double value = 1;
    r.gauge_callback("kw_online", "Online", [&] { return value; });
    r.gauge_callback("kw_broken", "Broken", []() -> double { throw std::runtime_error("redis down"); });
    value = 7;
    const std::string text = r.render();
    EXPECT_TRUE(contains(text, "\nkw_online 7\n")) << text;
    EXPECT_TRUE(contains(text, "# TYPE kw_broken gauge\n")) << text;
    EXPECT_FALSE(contains(text, "\nkw_broken ")) << text;
}

TEST(MetricsText, RefusesBadNamesAndATypeChange) {
    Registry r;
    EXPECT_THROW(r.counter("1bad", "x"), std::invalid_argument);
    EXPECT_THROW(r.counter("kw_x_total", "x", {{"le", "1"}}), std::invalid_argument);
    r.counter("kw_y_total", "y");
    EXPECT_THROW(r.gauge("kw_y_total", "y"), std::invalid_argument);
    EXPECT_THROW(r.counter("kw_y_total", "y", {{"other", "label"}}), std::invalid_argument);
}

TEST(ServerMetrics, HttpRequestsAreCountedByCodeAndTimedByRoutePatternNeverByRawPath) {
    Registry r;
    HttpMetrics http(r, {{"GET", "/api/v1/orders/{id}"}});
    http.request("GET", "/api/v1/orders/{id}", 404, 0.002);
    http.request("GET", "/api/v1/orders/{id}", 200, 0.002);
    http.request("POST", "/api/v1/orders/7", 405, 0.001);  // not a registered route: unmatched
    const std::string text = r.render();
    EXPECT_TRUE(contains(text, "kw_http_requests_total{code=\"200\"} 1\n")) << text;
    EXPECT_TRUE(contains(text, "kw_http_requests_total{code=\"404\"} 1\n")) << text;
    EXPECT_TRUE(contains(text, "kw_http_requests_total{code=\"405\"} 1\n")) << text;
    EXPECT_TRUE(contains(text, "kw_http_request_seconds_count{method=\"GET\",route=\"/api/v1/orders/{id}\"} 2\n"))
        << text;
    EXPECT_TRUE(contains(text, "kw_http_request_seconds_count{method=\"other\",route=\"unmatched\"} 1\n")) << text;
    EXPECT_FALSE(contains(text, "/api/v1/orders/7")) << text;
}

TEST(ServerMetrics, DeviceMessagesAreCountedByKindAndResult) {
    Registry r;
    DeviceMetrics device(r);
    device.handled(DeviceMetrics::kind_index("meter"), DeviceMetrics::Result::applied, 0.001);
    device.handled(DeviceMetrics::kind_index("meter"), DeviceMetrics::Result::rejected, 0.001);
    device.handled(DeviceMetrics::kind_index("cmd"), DeviceMetrics::Result::applied, 0.001);  // not a kind: ignored
    const std::string text = r.render();
    EXPECT_TRUE(contains(text, "kw_device_messages_total{kind=\"meter\",result=\"applied\"} 1\n")) << text;
    EXPECT_TRUE(contains(text, "kw_device_messages_total{kind=\"meter\",result=\"rejected\"} 1\n")) << text;
    EXPECT_TRUE(contains(text, "kw_device_handler_seconds_count{kind=\"meter\"} 2\n")) << text;
    EXPECT_EQ(DeviceMetrics::kind_index("cmd"), -1);
}

}  // namespace
}  // namespace kw::metrics
