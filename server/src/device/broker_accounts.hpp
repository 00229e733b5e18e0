#pragma once
// The broker's accounts for chargers. Creating a charger issues credentials that only let it publish
// under kw/v1/<code>/ and read kw/v1/<code>/cmd. With Mosquitto this goes through the
// dynamic-security plugin; with EMQX the broker asks Kilowatt (the /api/v1/broker/* hooks) and
// this does nothing. Called from worker threads; may block up to a few seconds (a batch: longer).
#include <string>
#include <span>
#include <vector>

#include "domain/error.hpp"

namespace kw::device {

struct ChargerAccount {
    std::string code;
    std::string password;
};

// An account of a batch the broker refused on its own (the others were created).
struct AccountRefusal {
    std::string code;
    Error error;  // conflict: the name belongs to a broker account that is not one of our chargers
};

class BrokerAccounts {
public:
    virtual ~BrokerAccounts() = default;
    // Creates or replaces the accounts, as few broker round trips as the broker allows. Accounts it
    // refuses one by one are returned (the rest are done); a failure of the whole batch (broker down,
    // no answer) throws kw::Error(unavailable), and then any of them may or may not exist.
    virtual std::vector<AccountRefusal> upsert_chargers(std::span<const ChargerAccount> accounts) = 0;
    // A batch of one: throws the refusal, kw::Error(conflict), or kw::Error(unavailable) on failure.
    void upsert_charger(const std::string& code, const std::string& password) {
        const ChargerAccount one{code, password};
        auto refused = upsert_chargers(std::span<const ChargerAccount>(&one, 1));
        if (!refused.empty()) throw refused.front().error;
    }
    virtual void remove_charger(const std::string& code) = 0;
};

}  // namespace kw::device
