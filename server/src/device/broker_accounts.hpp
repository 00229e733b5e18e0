#pragma once
// The broker's accounts for chargers. Creating a charger issues credentials that only let it publish
// under kw/v1/<code>/ and read kw/v1/<code>/cmd. With Mosquitto this goes through the
// dynamic-security plugin; with EMQX the broker asks Kilowatt (the /api/v1/broker/* hooks) and
// this does nothing. Called from worker threads; may block up to a few seconds.
#include <string>

namespace kw::device {

class BrokerAccounts {
public:
    virtual ~BrokerAccounts() = default;
    // Creates or replaces the charger's broker account. Throws kw::Error(conflict) when the name
    // belongs to a broker account that is not one of our chargers, kw::Error(unavailable) on failure.
    virtual void upsert_charger(const std::string& code, const std::string& password) = 0;
    virtual void remove_charger(const std::string& code) = 0;
};

}  // namespace kw::device
