#pragma once
// Phone verification codes (registration). A code is 6 random digits, kept in Redis only as an HMAC
// under the server's secret, valid for sms.code_ttl_s and for sms.max_attempts wrong tries; a new
// one may be asked for after sms.resend_s. Asking answers the same for a phone that has an account
// and one that has none, so the answer does not tell which phones are registered.
// Worker threads only.
#include <string>

#include "app/context.hpp"

namespace kw::service {

struct CodeSent {
    std::int64_t expires_in_s = 0;
    std::int64_t resend_after_s = 0;
};

// kw::Error(bad_request) for a bad phone or purpose; (too_many_requests) within the resend time or
// past the hourly quotas per phone and per client address; (unavailable) when no SMS provider.
CodeSent request_sms_code(app::Context& ctx, const std::string& phone, const std::string& purpose,
                          const std::string& address);

// Uses up the code when it matches; otherwise counts a wrong try and throws
// kw::Error(invalid_sms_code) (also for no code, an expired or a burnt one).
void consume_sms_code(app::Context& ctx, const std::string& phone, const std::string& purpose,
                      const std::string& code);

}  // namespace kw::service
