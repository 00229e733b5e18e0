#pragma once
// Payment providers for wallet top-ups. The built-in sandbox provider "pays" on request so demos and
// tests can top up; a real provider (WeChat Pay, Alipay) implements the same interface later and
// confirms through its notify callback.
#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

namespace kw::service {

class PaymentProvider {
public:
    virtual ~PaymentProvider() = default;
    virtual std::string name() const = 0;
    // Creates a payment at the provider; returns its reference and what the client needs to pay
    // (for the sandbox: nothing but the reference).
    struct Created {
        std::string provider_ref;
        boost::json::object client_params;
    };
    virtual Created create(std::int64_t topup_id, std::int64_t amount_fen) = 0;
    // The sandbox's confirmation: true only if `sign` is what create() handed out for this top-up.
    // Real providers confirm through their own notify callback and never accept this.
    virtual bool sandbox_sign_valid(std::int64_t topup_id, std::int64_t amount_fen, const std::string& provider_ref,
                                    const std::string& sign) const {
        return false;
    }
};

// No provider configured (payments.sandbox off and no real provider yet): top-ups are refused.
class NoPayments final : public PaymentProvider {
public:
    std::string name() const override { return "none"; }
    Created create(std::int64_t, std::int64_t) override;
};

}  // namespace kw::service
