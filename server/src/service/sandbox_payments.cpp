#include "service/sandbox_payments.hpp"

#include "service/account_rules.hpp"

namespace kw::service {

std::string SandboxPayments::sign(std::int64_t topup_id, std::int64_t amount_fen,
                                  const std::string& provider_ref) const {
    return hmac_sha256_hex(secret_,
                           std::to_string(topup_id) + "|" + std::to_string(amount_fen) + "|" + provider_ref);
}

PaymentProvider::Created SandboxPayments::create(std::int64_t topup_id, std::int64_t amount_fen) {
    Created out;
    out.provider_ref = "sbx_" + random_hex(16);
    out.client_params = {
        {"pay_path", "/api/v1/wallet/topups/" + std::to_string(topup_id) + "/sandbox-pay"},
        {"sign", sign(topup_id, amount_fen, out.provider_ref)},
    };
    return out;
}

}  // namespace kw::service
