#pragma once
// Small helpers shared by the accounts_* integration tests.
#include <boost/json.hpp>
#include <string>

#include "stack.hpp"

namespace kw::test::accounts {

namespace json = boost::json;

inline std::string body(const json::object& o) { return json::serialize(o); }

inline std::string str(const json::value& v, const char* key) { return std::string(v.at(key).as_string()); }

// Registers a driver through the SMS code flow; returns the register response.
inline HttpResult register_driver(Stack& stack, const std::string& phone, const std::string& password,
                                  const std::string& nickname = "tester") {
    return stack.register_driver(phone, password, nickname);
}

inline HttpResult driver_login(Stack& stack, const std::string& phone, const std::string& password) {
    return stack.http().post("/api/v1/auth/driver/login", body({{"phone", phone}, {"password", password}}));
}

inline HttpResult staff_login(Stack& stack, const std::string& login, const std::string& password) {
    return stack.http().post("/api/v1/auth/staff/login", body({{"login", login}, {"password", password}}));
}

// Creates an employee as admin and returns its id.
inline long long create_employee(Stack& stack, const std::string& login, const std::string& password,
                                 const std::string& role, const std::string& name = "Someone") {
    auto r =
        stack.http().post("/api/v1/admin/employees",
                          body({{"login", login}, {"password", password}, {"name", name}, {"role", role}}),
                          stack.admin_token());
    if (r.status != 201)
        throw std::runtime_error("create employee: " + std::to_string(r.status) + " " + r.body);
    return r.json().at("id").as_int64();
}

// Sum of every delta in the driver's ledger, read page by page (newest first).
inline long long ledger_sum(Stack& stack, const std::string& path, const std::string& token,
                            long long* rows = nullptr) {
    long long sum = 0, count = 0;
    for (int page = 1;; ++page) {
        auto r = stack.http().get(path + "?page_size=100&page=" + std::to_string(page), token);
        if (r.status != 200) throw std::runtime_error("ledger: " + r.body);
        auto j = r.json().as_object();
        const auto& items = j.at("items").as_array();
        for (const auto& item : items) sum += item.at("delta_fen").as_int64();
        count += static_cast<long long>(items.size());
        if (count >= j.at("total").as_int64() || items.empty()) break;
    }
    if (rows) *rows = count;
    return sum;
}

}  // namespace kw::test::accounts
