#include "service/account_rules.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include "domain/error.hpp"
#include "domain/permissions.hpp"

namespace kw::service {

namespace {

[[noreturn]] void bad(std::string message) { throw Error(Errc::bad_request, std::move(message)); }

std::string to_hex(const unsigned char* data, std::size_t n) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += kDigits[data[i] >> 4];
        out += kDigits[data[i] & 0x0f];
    }
    return out;
}

}  // namespace

std::string encode_principal(const Principal& who) {
    return std::string(domain::to_string(who.role)) + ":" + std::to_string(who.id);
}

std::optional<Principal> decode_principal(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view kind = text.substr(0, colon);
    std::string_view digits = text.substr(colon + 1);
    Principal p;
    if (kind == "driver")
        p.role = Role::driver;
    else if (kind == "admin")
        p.role = Role::admin;
    else if (kind == "operator")
        p.role = Role::operator_;
    else if (kind == "maintainer")
        p.role = Role::maintainer;
    else
        return std::nullopt;
    if (digits.empty() || digits.front() == '+' || digits.front() == '-') return std::nullopt;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p.id);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || p.id <= 0) return std::nullopt;
    return p;
}

void validate_employee_login(std::string_view login) {
    if (login.size() < 3 || login.size() > 50) bad("login must be 3 to 50 characters");
    for (char c : login) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '.' || c == '-';
        if (!ok) bad("login may contain only letters, digits, '_', '.' and '-'");
    }
}

std::string normalize_display_name(std::string_view text, const char* field, std::size_t max_chars) {
    auto is_space = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    if (text.empty()) bad(std::string("field '") + field + "' must not be empty");
    std::size_t chars = 0;
    for (char c : text) {
        auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f)
            bad(std::string("field '") + field + "' must not contain control characters");
        if ((b & 0xc0) != 0x80) ++chars;  // count UTF-8 lead bytes, not continuation bytes
    }
    if (chars > max_chars)
        bad(std::string("field '") + field + "' is longer than " + std::to_string(max_chars) + " characters");
    return std::string(text);
}

void validate_topup_amount(std::int64_t amount_fen) {
    if (amount_fen < 100 || amount_fen > 1'000'000) bad("field 'amount_fen' must be between 100 and 1000000");
}

void validate_adjustment(std::int64_t delta_fen) {
    if (delta_fen == 0) bad("field 'delta_fen' must not be zero");
    if (delta_fen < -10'000'000 || delta_fen > 10'000'000)
        bad("field 'delta_fen' must be between -10000000 and 10000000");
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw Error(Errc::internal, "sha256 failed");
    return to_hex(md, len);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len))
        throw Error(Errc::internal, "hmac-sha256 failed");
    return to_hex(md, len);
}

std::string random_hex(std::size_t n_bytes) {
    std::vector<unsigned char> buf(n_bytes);
    if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1)
        throw Error(Errc::internal, "random number generator failed");
    return to_hex(buf.data(), buf.size());
}

}  // namespace kw::service
