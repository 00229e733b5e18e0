#pragma once
// Takes every MQTT message the server receives (on the I/O thread), checks topic and size, and
// queues it on one of 64 slots chosen by the charger code; a slot is drained on the worker pool
// through its own strand, up to 256 messages at a time: one charger's messages are handled in order,
// different slots in parallel, no global lock. The meter samples of a drain are applied as one batch
// (service::apply_meter_samples: a few round trips for the batch instead of a few per sample); any
// other message is applied alone, after the samples its charger sent before it, and before the ones
// its charger sent after it (other chargers' samples do not wait for it). Under a light load a
// drain holds one message, so nothing waits for a batch to fill. Bad messages are logged
// (event=mqtt_rejected) and dropped; nothing they carry is applied. Each message is counted in
// `metrics` by kind and result, with its handler time (a meter sample: its batch's time divided by
// the batch's size), and the queue depth.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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

    static constexpr std::size_t kSlots = 64;
    // The slot a charger's messages queue on (tests pick chargers that share one).
    static std::size_t slot_index(const std::string& code);

private:
    struct Slot;
    struct Pending;
    void drain(Slot& slot);
    void apply(const std::vector<Pending>& messages);

    app::Context& ctx_;
    metrics::DeviceMetrics& metrics_;
    std::vector<std::unique_ptr<Slot>> slots_;
    std::function<void(const kw::mqtt::Message&)> other_;
};

}  // namespace kw::device::mqtt
