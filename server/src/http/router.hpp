#pragma once
// The one route table (router.cpp) and its dispatcher: matches method + path, authenticates the
// bearer token, checks the route's access rule (domain/permissions.hpp) and calls the handler.
// Runs on a worker thread. Errors thrown anywhere below become {code, message} in http/errors.cpp.
#include <string>
#include <vector>

#include "app/context.hpp"
#include "domain/permissions.hpp"
#include "http/handlers/handlers.hpp"

namespace kw::http {

enum class Access { open, driver, user /* driver or staff */, staff };

struct Route {
    const char* method;
    const char* pattern;  // "/api/v1/orders/{id}"
    Access access;
    domain::Permission permission;  // checked when access == staff
    Handler handler;
    const char* summary;
};

const std::vector<Route>& routes();

// Matches and runs the request; always returns a response (errors mapped by errors.cpp).
Response dispatch(app::Context& ctx, Request& req);

}  // namespace kw::http
