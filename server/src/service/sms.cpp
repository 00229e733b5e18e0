#include "service/sms.hpp"

#include <fstream>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "domain/clock.hpp"
#include "domain/error.hpp"
#include "domain/json_text.hpp"

namespace kw::service {

void NoSms::send_code(const std::string&, const std::string&, const std::string&) {
    throw Error(Errc::unavailable, "no SMS provider is configured (sms.sandbox is for development only)");
}

void SandboxSms::send_code(const std::string& phone, const std::string& purpose, const std::string& code) {
    const UtcMs now = clock_.now();
    spdlog::info("event=sms_sandbox phone={} purpose={} code={}", phone, purpose, code);
    if (outbox_.empty()) return;
    const std::string line = domain::to_json(
        boost::json::object{{"at", format_utc(now)}, {"phone", phone}, {"purpose", purpose}, {"code", code}});
    std::lock_guard lock(mutex_);
    std::ofstream out(outbox_, std::ios::app);
    out << line << '\n';
    if (!out) throw Error(Errc::unavailable, "sandbox SMS outbox " + outbox_ + " is not writable");
}

}  // namespace kw::service
