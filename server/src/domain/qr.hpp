#pragma once
// The text of a connector's QR code (docs/device-protocol.md, "QR code content"):
// "<public_url>/app/c/<charger code>/<connector>", or the short form "<charger code>/<connector>".
// Pure functions; any thread may call them.
#include <string>
#include <string_view>

namespace kw::domain {

struct QrTarget {
    std::string code;
    int connector = 0;
};

inline constexpr std::size_t kMaxQrContent = 512;
inline constexpr int kMaxConnectorNumber = 99;

// Accepts "<anything>/c/<code>/<n>" (the URL form; a query or fragment and one trailing '/' are
// ignored) and "<code>/<n>". Surrounding whitespace is trimmed. Throws kw::Error(bad_request) naming
// the problem: empty, too long, no connector number, bad code, connector not 1..99.
QrTarget parse_qr_content(std::string_view content);

// "<public_url without trailing '/'>/app/c/<code>/<n>".
std::string format_qr_content(std::string_view public_url, std::string_view code, int connector);

}  // namespace kw::domain
