#pragma once
// The one place errors become HTTP: kw::Error -> status + {"code","message"}; anything else is a
// 500 with a generic message (details only in the log). No Beast: the server, the router and
// static_files all build their error bodies here. Pure functions apart from logging; any thread.
#include <exception>
#include <string_view>

#include "domain/error.hpp"
#include "http/request.hpp"

namespace kw::http {

int status_of(Errc errc);
// The exception a handler threw -> its error response; logs what the client is not told.
Response error_response(std::exception_ptr error, const Request& req);
// An error the caller names itself (the server's 400/404/413..., static files' 404...).
Response error_response(int status, std::string_view code, std::string_view message);

}  // namespace kw::http
