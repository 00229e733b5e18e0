#include <gtest/gtest.h>

#include "service/auth.hpp"
#include "service/sandbox_payments.hpp"

namespace kw::service {
namespace {

TEST(PasswordHash, IsArgon2idWithTheConfiguredCostAndVerifies) {
    std::string hash = hash_password("s3cret-password");
    EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
    EXPECT_EQ(hash.find('\0'), std::string::npos);
    EXPECT_EQ(hash.find("s3cret-password"), std::string::npos);
    EXPECT_TRUE(verify_password(hash, "s3cret-password"));
    EXPECT_FALSE(verify_password(hash, "s3cret-passwore"));
    EXPECT_FALSE(verify_password(hash, ""));
}

TEST(PasswordHash, SaltsEveryHash) {
    EXPECT_NE(hash_password("same-password-1"), hash_password("same-password-1"));
}

TEST(PasswordHash, RejectsGarbageAndOtherAlgorithms) {
    EXPECT_FALSE(verify_password("", "x"));
    EXPECT_FALSE(verify_password("plain-text", "plain-text"));
    EXPECT_FALSE(verify_password("$argon2i$v=19$m=16,t=2,p=1$c2FsdHNhbHQ$Zm9vYmFy", "x"));
    EXPECT_FALSE(verify_password("$argon2id$v=19$m=19456,t=2,p=1$broken", "x"));
}

TEST(SandboxPayments, CreatesUniqueReferencesSignedWithTheSecret) {
    SandboxPayments provider("sandbox-secret");
    EXPECT_EQ(provider.name(), "sandbox");
    auto a = provider.create(7, 5000);
    auto b = provider.create(7, 5000);
    EXPECT_NE(a.provider_ref, b.provider_ref);
    EXPECT_EQ(a.provider_ref.rfind("sbx_", 0), 0u);
    EXPECT_EQ(a.client_params.at("pay_path").as_string(), "/api/v1/wallet/topups/7/sandbox-pay");
    EXPECT_EQ(a.client_params.at("sign").as_string(), provider.sign(7, 5000, a.provider_ref));
    EXPECT_NE(provider.sign(7, 5000, a.provider_ref), provider.sign(7, 5001, a.provider_ref));
    EXPECT_NE(SandboxPayments("other").sign(7, 5000, a.provider_ref), provider.sign(7, 5000, a.provider_ref));
}

}  // namespace
}  // namespace kw::service
