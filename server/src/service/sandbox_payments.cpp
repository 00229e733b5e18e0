#include "service/sandbox_payments.hpp"

#include <openssl/crypto.h>

#include "domain/error.hpp"
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

bool SandboxPayments::sandbox_sign_valid(std::int64_t topup_id, std::int64_t amount_fen,
                                         const std::string& provider_ref, const std::string& given) const {
    const std::string expected = sign(topup_id, amount_fen, provider_ref);
    return given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

PaymentProvider::Created NoPayments::create(std::int64_t, std::int64_t) {
    throw Error(Errc::unavailable, "no payment provider is configured");
}

}  // namespace kw::service
