#pragma once
// The built-in sandbox payment provider (payments.sandbox = true): creating a payment only makes a
// reference and a signature; POST /api/v1/wallet/topups/{id}/sandbox-pay {"sign"} then "pays" it,
// only with that signature (so a client cannot pay a top-up it was not handed). Stateless
// apart from the secret, so any thread may call it.
#include <string>

#include "service/payments.hpp"

namespace kw::service {

class SandboxPayments final : public PaymentProvider {
  public:
    explicit SandboxPayments(std::string secret) : secret_(std::move(secret)) {}

    std::string name() const override { return "sandbox"; }
    // provider_ref "sbx_<32 hex>"; client_params {pay_path, sign} where sign is
    // HMAC-SHA256(secret, "<topup_id>|<amount_fen>|<provider_ref>") as a real provider would send.
    Created create(std::int64_t topup_id, std::int64_t amount_fen) override;
    std::string sign(std::int64_t topup_id, std::int64_t amount_fen, const std::string& provider_ref) const;
    bool sandbox_sign_valid(std::int64_t topup_id, std::int64_t amount_fen, const std::string& provider_ref,
                            const std::string& sign) const override;

  private:
    std::string secret_;
};

}  // namespace kw::service
