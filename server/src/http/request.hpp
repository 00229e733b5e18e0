#pragma once
// The HTTP request/response as the application sees them: plain structs, no Beast.
// http/http_session.cpp (with the other Beast files of http/) converts to and from these; handlers never see Beast.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kw::http {

struct Request {
    std::string method;                            // "GET", "POST", ...
    std::string path;                              // decoded path without query: "/api/v1/orders/7"
    std::map<std::string, std::string> query;      // decoded query parameters
    std::map<std::string, std::string> params;     // path parameters, filled by the router
    std::string body;
    std::string bearer_token;                      // from "Authorization: Bearer X", else empty
    std::string remote_address;
    std::string real_ip;                           // X-Real-IP as sent; trusted only with server.trust_proxy
    std::string accept_encoding;                   // as sent; static files pick a precompressed copy
};

struct Response {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    // The route table's pattern that answered ("/api/v1/orders/{id}"), for metrics; the server
    // fills in a group name for what the router does not answer. Never the raw path: bounded labels.
    const char* route = nullptr;
};

}  // namespace kw::http
