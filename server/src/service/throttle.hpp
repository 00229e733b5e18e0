#pragma once
// Throttling in Redis, shared by every instance. Two kinds:
//  - failure back-off (sign-in): per account and per client address, the delays of domain/throttle
//    once the free failures are used up; a success clears the account's counter, not the address's.
//  - hourly quotas (SMS codes, registrations, top-ups): a counter per key that expires an hour after
//    its first use.
// Refusals are kw::Error(too_many_requests) carrying the seconds to wait (429 + Retry-After).
// Keys: <prefix>throttle:<scope>:<sha256 of the subject>, so no phone or login is stored in clear.
// Worker threads only (blocking Redis round trips).
#include <cstdint>
#include <string>

#include "app/context.hpp"

namespace kw::service {

// scope: "driver" or "staff"; subject: the phone or login as typed; address: the client's IP.
void check_login_allowed(app::Context& ctx, const std::string& scope, const std::string& subject,
                         const std::string& address);
void record_login_failure(app::Context& ctx, const std::string& scope, const std::string& subject,
                          const std::string& address);
void clear_login_failures(app::Context& ctx, const std::string& scope, const std::string& subject);

// Counts one use of `name` for `subject` this hour; refuses beyond `per_hour`.
void take_hourly_quota(app::Context& ctx, const std::string& name, const std::string& subject,
                       std::int64_t per_hour);

}  // namespace kw::service
