#pragma once
// Settings shared by every simulated charger of one process, filled from the command line in main.
#include <cstdint>
#include <string>

namespace kw::sim {

// Which protocol every charger of the process speaks.
enum class Protocol { kKwMqtt, kOcpp16, kOcpp201 };

struct SimSettings {
    Protocol protocol = Protocol::kKwMqtt;
    // OCPP (ocpp1.6 and ocpp2.0.1 alike unless said otherwise):
    std::string ocpp_url;                 // ocpp1.6: ws://host:port/path; a charger appends /<code>
    bool ocpp_energy_kwh = false;         // ocpp1.6 only: energy registers in kWh (3 decimals) instead of Wh
    int ocpp_call_timeout_s = 30;         // ocpp1.6: a CALL without an answer this long counts as failed
    bool ocpp_boot_on_reconnect = false;  // ocpp1.6: a BootNotification after every connect, not per power-up
    std::string broker_host = "127.0.0.1";
    int broker_port = 1883;
    int mqtt_version = 5;          // 5 or 4 (3.1.1)
    int heartbeat_override_s = 0;  // > 0: ignore boot_result.heartbeat_s
    int meter_interval_s = 10;
    double speed = 1.0;  // simulated seconds of charging per real second
    std::uint64_t seed = 1;
    std::string vendor = "Kilowatt";
    std::string model;  // empty: "SIM-<kind><rated kW>"
    std::string firmware = "0.1.0";
    double battery_wh = 60000.0;
    int finishing_ms = 2000;  // how long a connector shows "finishing" before "available"
    int reboot_ms = 2000;     // how long a rebooting charger stays off the network
    int clock_offset_s = 0;   // every charger's clock this far from the real time (control: clock)
};

}  // namespace kw::sim
