#include "domain/validate.hpp"

#include <date/tz.h>

#include <chrono>
#include <cstdio>

#include "domain/error.hpp"

namespace kw::domain {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

[[noreturn]] void bad(std::string message) { throw Error(Errc::bad_request, std::move(message)); }

}  // namespace

bool valid_cn_mobile(std::string_view phone) {
    if (phone.size() != 11 || phone[0] != '1' || phone[1] < '3' || phone[1] > '9') return false;
    for (char c : phone) {
        if (!is_digit(c)) return false;
    }
    return true;
}

void validate_password(std::string_view password) {
    if (password.size() < 8) bad("password must be at least 8 characters");
    if (password.size() > 64) bad("password must be at most 64 bytes");
    bool letter = false, digit = false;
    for (char c : password) {
        letter = letter || is_ascii_letter(c);
        digit = digit || is_digit(c);
    }
    if (!letter || !digit) bad("password must contain at least one letter and one digit");
}

std::string mask_phone(std::string_view phone) {
    if (phone.size() < 8) return "****";
    std::string out(phone.substr(0, 3));
    out += "****";
    out += phone.substr(phone.size() - 4);
    return out;
}

void validate_charger_code(std::string_view code) {
    if (code.empty()) bad("charger code must not be empty");
    if (code.size() > 32) bad("charger code must be at most 32 characters");
    for (char c : code) {
        if (!(is_ascii_letter(c) || is_digit(c) || c == '_' || c == '-')) {
            bad("charger code may contain only letters, digits, '_' and '-'");
        }
    }
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

void check_charger_code_not_reserved(std::string_view code, std::string_view server_username,
                                     std::string_view server_client_id) {
    constexpr std::string_view kDefaultClientIdPrefix = "kilowatt-";
    if (!code.empty() && code.front() == '$') bad("charger code must not start with '$' (reserved by the broker)");
    auto reserved = [&](const std::string& why) {
        throw Error(Errc::conflict, "charger code '" + std::string(code) + "' is reserved: " + why);
    };
    if (!server_username.empty() && iequals(code, server_username))
        reserved("it is the server's own MQTT username");
    if (!server_client_id.empty() && iequals(code, server_client_id)) reserved("it is the server's MQTT client id");
    if (code.size() >= kDefaultClientIdPrefix.size() &&
        iequals(code.substr(0, kDefaultClientIdPrefix.size()), kDefaultClientIdPrefix))
        reserved("'kilowatt-' is the prefix of the server instances' MQTT client ids");
}

const date::time_zone& find_zone(const std::string& iana_tz) {
    if (iana_tz.empty()) bad("timezone must not be empty");
    try {
        const date::time_zone* zone = date::locate_zone(iana_tz);
        if (zone == nullptr) bad("unknown timezone: " + iana_tz);
        return *zone;
    } catch (const std::runtime_error&) {
        // date throws std::runtime_error for an unknown name (kw::Error derives from it too).
        bad("unknown timezone: " + iana_tz);
    }
}

void validate_timezone(const std::string& iana_tz) { (void)find_zone(iana_tz); }

int parse_hh_mm(std::string_view text, bool allow_24) {
    if (text.size() != 5 || !is_digit(text[0]) || !is_digit(text[1]) || text[2] != ':' ||
        !is_digit(text[3]) || !is_digit(text[4])) {
        return -1;
    }
    int h = (text[0] - '0') * 10 + (text[1] - '0');
    int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h == 24 && m == 0 && allow_24) return 1440;
    if (h > 23 || m > 59) return -1;
    return h * 60 + m;
}

std::string format_hh_mm(int minute) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60 % 100, minute % 60);
    return buf;
}

int local_minute_of_day(const date::time_zone& zone, UtcMs t) {
    using std::chrono::milliseconds;
    auto local = zone.to_local(date::sys_time<milliseconds>{milliseconds{t}});
    auto since_midnight = local - date::floor<date::days>(local);
    return static_cast<int>(date::floor<std::chrono::minutes>(since_midnight).count());
}

OpeningHours parse_opening_hours(std::string_view text) {
    auto fail = [&] { bad("invalid opening hours: \"" + std::string(text) + "\" (expected HH:MM-HH:MM)"); };
    if (text.size() != 11 || text[5] != '-') fail();
    int open = parse_hh_mm(text.substr(0, 5), false);
    int close = parse_hh_mm(text.substr(6, 5), true);
    if (open < 0 || close < 0) fail();
    if (close == 1440 && open == 0) return {0, 1440};
    if (close % 1440 == open)
        bad("opening hours \"" + std::string(text) + "\" are empty; use 00:00-24:00 for always");
    return {open, close};
}

std::string format_opening_hours(const OpeningHours& hours) {
    return format_hh_mm(hours.open_minute) + "-" + format_hh_mm(hours.close_minute);
}

bool is_open(const OpeningHours& hours, const std::string& iana_tz, UtcMs t) {
    int m = local_minute_of_day(find_zone(iana_tz), t);
    if (hours.open_minute <= hours.close_minute) return m >= hours.open_minute && m < hours.close_minute;
    return m >= hours.open_minute || m < hours.close_minute;  // overnight
}

}  // namespace kw::domain
