#pragma once
// What request and message handlers work with. Built and owned by main.cpp; handlers receive a
// reference. Everything here is safe to use from the worker threads.
#include <string>

#include "app/config.hpp"
#include "domain/clock.hpp"

namespace kw::store { class Db; }
namespace kw::live { class Redis; }
namespace kw::ws { class Push; }
namespace kw::device { class Commands; class BrokerAccounts; }
namespace kw::service { class PaymentProvider; class PasswordPool; class SessionCache; class StatusCache; class SmsProvider; class TariffCache; class StationDirectory; class RunningView; }

namespace kw::app {

struct Context {
    const Config& config;
    const Clock& clock;
    store::Db& db;
    live::Redis& redis;
    ws::Push& push;
    device::Commands& commands;
    device::BrokerAccounts& broker_accounts;
    service::PaymentProvider& payments;
    service::SmsProvider& sms;
    service::PasswordPool& passwords;      // argon2id on its own threads
    service::StatusCache& account_status;  // account enabled/role re-checks, cached briefly
    service::SessionCache& sessions;       // session id -> principal, cached briefly (service/session_cache.hpp)
    const std::string& token_key;          // signs session records in Redis (server_secrets, shared)
    service::TariffCache& tariffs;         // parsed tariffs per station (service/tariff_cache.hpp)
    service::StationDirectory& station_directory;  // the nearby search's memory (service/station_directory.hpp)
    service::RunningView& running_view;    // running sessions' live figures, single instance (service/running_view.hpp)
};

}  // namespace kw::app
