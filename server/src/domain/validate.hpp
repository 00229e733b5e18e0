#pragma once
// Input checks shared by the HTTP handlers and the services: phone numbers, passwords, opening
// hours, timezones, charger codes. Pure functions; any thread may call them. Every rejection is a
// kw::Error(Errc::bad_request) whose message names the problem.
#include <string>
#include <string_view>

#include "domain/clock.hpp"

namespace date {
class time_zone;
}

namespace kw::domain {

// A mainland China mobile number: ^1[3-9]\d{9}$.
bool valid_cn_mobile(std::string_view phone);

// 8..64 bytes with at least one ASCII letter and one ASCII digit.
void validate_password(std::string_view password);

// "13812341234" -> "138****1234". Anything shorter than 8 characters becomes "****" so that a
// short identifier is never shown mostly in clear.
std::string mask_phone(std::string_view phone);

// 1..32 characters of [A-Za-z0-9_-]. The code becomes an MQTT topic segment and the charger's
// broker username, so '/', '+', '#' and anything else are refused.
void validate_charger_code(std::string_view code);

// A valid code may still name one of the server's own broker identities. Refused with
// kw::Error(conflict): the server's broker username in any case (the charger's account would
// replace the server's), its client id (a charger connecting with it would push the server off the
// broker) and the default client-id prefix "kilowatt-" (every instance without mqtt.client_id uses
// kilowatt-<instance>). Codes starting with '$' (broker-internal names) are bad_request.
void check_charger_code_not_reserved(std::string_view code, std::string_view server_username,
                                     std::string_view server_client_id);

// The IANA zone (e.g. "Asia/Shanghai") from the OS tzdb; unknown names throw bad_request.
const date::time_zone& find_zone(const std::string& iana_tz);
void validate_timezone(const std::string& iana_tz);

// A station's daily opening hours in local minutes. close_minute may be 1440 ("24:00");
// close < open means the station is open overnight ("22:00-06:00"); "00:00-24:00" is always open.
struct OpeningHours {
    int open_minute = 0;
    int close_minute = 1440;
};

// Parses "HH:MM-HH:MM". Equal open and close (other than 00:00-24:00) are refused as ambiguous.
OpeningHours parse_opening_hours(std::string_view text);
std::string format_opening_hours(const OpeningHours& hours);
bool is_open(const OpeningHours& hours, const std::string& iana_tz, UtcMs t);

// Internal helpers shared with tariff.cpp.
// Parses "HH:MM" into minutes of the day; 24:00 only when allow_24 is true. -1 when malformed.
int parse_hh_mm(std::string_view text, bool allow_24);
std::string format_hh_mm(int minute);
// Minute of the local day (0..1439) at instant t in zone.
int local_minute_of_day(const date::time_zone& zone, UtcMs t);

}  // namespace kw::domain
