#include "domain/json_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace kw::domain {

namespace {

constexpr char kHex[] = "0123456789abcdef";

template <class Int>
void append_int(std::string& out, Int i) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, i);
    out.append(buf, r.ptr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    std::size_t run = 0;  // start of the pending run of bytes that need no escape
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void append_json_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    if (d == 0) {  // also -0: JSON.stringify(-0) is "0"
        out += '0';
        return;
    }
    // Shortest round-trip digits from to_chars' scientific form "-d.ddde+XX", then laid out by
    // ECMA-262 Number::toString (k digits, decimal point after n of them).
    char sci[32];
    const auto r = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific);
    const char* p = sci;
    if (*p == '-') {
        out += '-';
        ++p;
    }
    char digits[20];
    int k = 0;
    for (; p < r.ptr && *p != 'e'; ++p) {
        if (*p != '.') digits[k++] = *p;
    }
    int exponent = 0;
    std::from_chars(p + 1 + (p[1] == '+'), r.ptr, exponent);
    const int n = exponent + 1;
    if (k <= n && n <= 21) {
        out.append(digits, k);
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out.append(digits, n);
        out += '.';
        out.append(digits + n, k - n);
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out.append(digits, k);
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits + 1, k - 1);
        }
        out += 'e';
        out += n - 1 < 0 ? '-' : '+';
        append_int(out, std::abs(n - 1));
    }
}

std::string double_text(double d) {
    std::string out;
    append_json_double(out, d);
    return out;
}

void append_json(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::null: out += "null"; break;
        case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
        case boost::json::kind::int64: append_int(out, v.get_int64()); break;
        case boost::json::kind::uint64: append_int(out, v.get_uint64()); break;
        case boost::json::kind::double_: append_json_double(out, v.get_double()); break;
        case boost::json::kind::string: append_json_string(out, v.get_string()); break;
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& item : v.get_array()) {
                if (!first) out += ',';
                first = false;
                append_json(out, item);
            }
            out += ']';
            break;
        }
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& member : v.get_object()) {
                if (!first) out += ',';
                first = false;
                append_json_string(out, member.key());
                out += ':';
                append_json(out, member.value());
            }
            out += '}';
            break;
        }
    }
}

std::string to_json(const boost::json::value& v) {
    std::string out;
    out.reserve(256);
    append_json(out, v);
    return out;
}

}  // namespace kw::domain
