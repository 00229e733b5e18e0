#pragma once
// What request and message handlers work with. Built and owned by main.cpp; handlers receive a
// reference. Everything here is safe to use from the worker threads.
#include "app/config.hpp"
#include "domain/clock.hpp"

namespace kw::store { class Db; }
namespace kw::live { class Redis; }
namespace kw::ws { class Push; }
namespace kw::device { class Commands; class BrokerAccounts; }
namespace kw::service { class PaymentProvider; }

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
};

}  // namespace kw::app
