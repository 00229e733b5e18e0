#pragma once
// SMS providers for phone verification codes. The built-in sandbox provider (sms.sandbox, on in demo
// installations) sends nothing: it appends each message to a file and the log, where a developer or
// a test reads the code. A real provider (Aliyun, Tencent Cloud SMS) implements the same interface.
#include <memory>
#include <mutex>
#include <string>

#include "domain/clock.hpp"

namespace kw::service {

class SmsProvider {
public:
    virtual ~SmsProvider() = default;
    // Delivers `code` for `purpose` ("register") to `phone`. Throws kw::Error(unavailable) when it
    // cannot; called from worker threads.
    virtual void send_code(const std::string& phone, const std::string& purpose, const std::string& code) = 0;
};

// No provider configured: every send fails with kw::Error(unavailable).
class NoSms final : public SmsProvider {
public:
    void send_code(const std::string&, const std::string&, const std::string&) override;
};

// Appends {"at","phone","purpose","code"} lines to `outbox` (if not empty) and logs event=sms_sandbox.
// "at" comes from the injected clock, like every other time the services write.
class SandboxSms final : public SmsProvider {
public:
    SandboxSms(std::string outbox, const Clock& clock) : outbox_(std::move(outbox)), clock_(clock) {}
    void send_code(const std::string& phone, const std::string& purpose, const std::string& code) override;

private:
    const std::string outbox_;
    const Clock& clock_;
    std::mutex mutex_;
};

}  // namespace kw::service
