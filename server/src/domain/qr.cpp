#include "domain/qr.hpp"

#include <vector>

#include "domain/error.hpp"
#include "domain/validate.hpp"

namespace kw::domain {

namespace {

[[noreturn]] void bad(const std::string& message) { throw Error(Errc::bad_request, message); }

std::string_view trim(std::string_view s) {
    const char* ws = " \t\r\n";
    std::size_t b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    std::size_t e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (true) {
        std::size_t next = s.find(sep, pos);
        if (next == std::string_view::npos) {
            out.push_back(s.substr(pos));
            return out;
        }
        out.push_back(s.substr(pos, next - pos));
        pos = next + 1;
    }
}

int parse_connector(std::string_view text) {
    const std::string problem =
        "QR content: connector must be a number 1.." + std::to_string(kMaxConnectorNumber);
    if (text.empty() || text.size() > 2) bad(problem);
    int n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') bad(problem);
        n = n * 10 + (c - '0');
    }
    if (n < 1 || n > kMaxConnectorNumber) bad(problem);
    return n;
}

}  // namespace

QrTarget parse_qr_content(std::string_view content) {
    std::string_view s = trim(content);
    if (s.empty()) bad("QR content is empty");
    if (s.size() > kMaxQrContent)
        bad("QR content is longer than " + std::to_string(kMaxQrContent) + " characters");
    // A charger code never holds '?' or '#', so anything from the first of them is a URL's query
    // or fragment.
    if (std::size_t cut = s.find_first_of("?#"); cut != std::string_view::npos) s = s.substr(0, cut);
    if (!s.empty() && s.back() == '/') s.remove_suffix(1);
    auto parts = split(s, '/');
    if (parts.size() < 2)
        bad("QR content must be <code>/<connector> or a URL ending in /c/<code>/<connector>");
    if (parts.size() > 2 && parts[parts.size() - 3] != "c")
        bad("QR content must be <code>/<connector> or a URL ending in /c/<code>/<connector>");
    std::string_view code = parts[parts.size() - 2];
    try {
        validate_charger_code(code);
    } catch (const Error& e) {
        bad(std::string("QR content: ") + e.what());
    }
    return QrTarget{std::string(code), parse_connector(parts.back())};
}

std::string format_qr_content(std::string_view public_url, std::string_view code, int connector) {
    std::string base(public_url);
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/app/c/" + std::string(code) + "/" + std::to_string(connector);
}

}  // namespace kw::domain
