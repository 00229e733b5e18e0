#pragma once
// The one place errors become HTTP: kw::Error -> status + {"code","message"}; anything else is a
// 500 with a generic message (details only in the log).
#include <exception>

#include "domain/error.hpp"
#include "http/request.hpp"

namespace kw::http {

int status_of(Errc errc);
Response error_response(std::exception_ptr error, const Request& req);

}  // namespace kw::http
