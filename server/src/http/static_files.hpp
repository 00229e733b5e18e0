#pragma once
// StaticFiles: maps a decoded URL path under one prefix ("/admin/") to a file of one built web app
// (a Vite dist directory): index.html for the prefix itself and, for extension-less paths that
// name no file, as the single-page-app fallback. Refuses "." and ".." segments and anything that
// resolves (through symlinks) outside the root. No Beast, no Asio: http/server.cpp does the I/O.
// Immutable after construction; any thread may call it.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace kw::http {

struct StaticResult {
    enum class Kind { file, redirect, bad_path, not_found };
    Kind kind = Kind::not_found;
    std::filesystem::path file;  // kind == file
    std::string content_type;    // kind == file
    std::string cache_control;   // kind == file: hashed assets/ are immutable, the rest "no-cache"
    std::string location;        // kind == redirect ("/admin" -> "/admin/")
};

class StaticFiles {
public:
    // prefix: "/admin/" (leading and trailing slash); root: the directory served under it.
    StaticFiles(std::string prefix, std::filesystem::path root);

    // True for the prefix without its trailing slash and for every path below it.
    bool matches(std::string_view decoded_path) const;
    StaticResult resolve(std::string_view decoded_path) const;
    // The whole answer for a request under the prefix: the file (GET/HEAD) with Content-Type and
    // Cache-Control, 301 to add the trailing slash, 400 for a refused path, 404, 405 for other methods.
    // accept_encoding is the request's Accept-Encoding: when it accepts br or gzip and the build left
    // a precompressed sibling (app.js.br, app.js.gz), that file is sent with Content-Encoding.
    Response respond(const std::string& method, std::string_view decoded_path, std::string_view accept_encoding = {}) const;

    const std::string& prefix() const { return prefix_; }
    const std::filesystem::path& root() const { return root_; }

private:
    std::optional<StaticResult> file_result(const std::filesystem::path& file, std::string_view rel) const;
    // The precompressed sibling of a served file (file + ".br" / ".gz") if it exists inside the root.
    std::optional<std::filesystem::path> sibling(const std::filesystem::path& file, std::string_view suffix) const;

    std::string prefix_;
    std::filesystem::path root_;  // canonical when it existed at construction
};

// "text/html; charset=utf-8" for "index.html"; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view file_name);

// True if an Accept-Encoding value accepts `coding` ("gzip", "br"): named, or "*", without q=0.
bool accepts_encoding(std::string_view accept_encoding, std::string_view coding);

// The whole file, or nullopt if it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

}  // namespace kw::http
