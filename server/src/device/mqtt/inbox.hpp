#pragma once
// Takes every MQTT message the server receives (on the I/O thread), checks topic and size, and
// runs its handler on the worker pool, on a strand chosen by the charger code: one charger's
// messages are handled in order, different chargers in parallel, no global lock. Bad messages are
// logged (event=mqtt_rejected) and dropped; nothing they carry is applied. Each message is counted
// in `metrics` by kind and result, with its handler time, and the worker queue depth.
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "app/context.hpp"
#include "device/mqtt/client.hpp"
#include "metrics/server_metrics.hpp"

namespace kw::device::mqtt {

class Inbox {
public:
    // `other` receives messages outside kw/v1/ (e.g. the broker's $CONTROL responses), on the I/O thread.
    Inbox(app::Context& ctx, metrics::DeviceMetrics& metrics, boost::asio::any_io_executor workers,
          std::function<void(const kw::mqtt::Message&)> other);
    ~Inbox();
    void on_message(const kw::mqtt::Message& message);

private:
    struct Strands;
    app::Context& ctx_;
    metrics::DeviceMetrics& metrics_;
    std::unique_ptr<Strands> strands_;
    std::function<void(const kw::mqtt::Message&)> other_;
};

}  // namespace kw::device::mqtt
