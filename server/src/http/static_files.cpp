#include "http/static_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "http/errors.hpp"

namespace kw::http {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

struct MimeType {
    std::string_view extension;
    std::string_view type;
};

constexpr std::array<MimeType, 24> kMimeTypes{{
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
}};

bool has_extension(std::string_view segment) {
    auto dot = segment.rfind('.');
    return dot != std::string_view::npos && dot != 0 && dot + 1 < segment.size();
}

// True if `path` is `root` or below it; both canonical.
bool is_within(const fs::path& path, const fs::path& root) {
    auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    return root_end == root.end();
}

}  // namespace

std::string_view content_type_for(std::string_view file_name) {
    auto dot = file_name.rfind('.');
    if (dot == std::string_view::npos) return "application/octet-stream";
    std::string ext(file_name.substr(dot + 1));
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto& mime : kMimeTypes) {
        if (mime.extension == ext) return mime.type;
    }
    return "application/octet-stream";
}

bool accepts_encoding(std::string_view accept_encoding, std::string_view coding) {
    auto lower = [](std::string_view v) {
        std::string out(v);
        std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
        return out;
    };
    auto trim = [](std::string_view v) {
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        return v;
    };
    std::string all = lower(accept_encoding);
    // The q of `name` in the list, or nullopt when the list does not name it.
    auto quality_of = [&](std::string_view name) -> std::optional<bool> {
        std::string_view rest = all;
        while (!rest.empty()) {
            auto comma = rest.find(',');
            std::string_view item = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            auto semi = item.find(';');
            if (trim(item.substr(0, semi)) != name) continue;
            if (semi == std::string_view::npos) return true;
            std::string_view params = item.substr(semi + 1);
            auto q = params.find("q=");
            if (q == std::string_view::npos) return true;
            // q=0, q=0.0, q=0.000 refuse; any non-zero digit accepts.
            return trim(params.substr(q + 2)).find_first_of("123456789") != std::string_view::npos;
        }
        return std::nullopt;
    };
    if (auto named = quality_of(coding)) return *named;
    return quality_of("*").value_or(false);
}

std::optional<std::string> read_whole_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    return data;
}

StaticFiles::StaticFiles(std::string prefix, fs::path root) : prefix_(std::move(prefix)) {
    std::error_code ec;
    auto canonical = fs::canonical(root, ec);
    root_ = ec ? fs::absolute(root, ec).lexically_normal() : canonical;
}

bool StaticFiles::matches(std::string_view decoded_path) const {
    std::string_view bare(prefix_.data(), prefix_.size() - 1);
    return decoded_path == bare || decoded_path.substr(0, prefix_.size()) == prefix_;
}

StaticResult StaticFiles::resolve(std::string_view decoded_path) const {
    StaticResult result;
    if (!matches(decoded_path)) return result;
    if (decoded_path.size() < prefix_.size()) {
        result.kind = StaticResult::Kind::redirect;
        result.location = prefix_;
        return result;
    }

    // Rebuild the relative path segment by segment, refusing anything that could climb out.
    std::string_view rest = decoded_path.substr(prefix_.size());
    std::string rel;
    std::string_view last;
    while (!rest.empty()) {
        auto slash = rest.find('/');
        std::string_view segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
        if (segment.empty()) continue;
        if (segment == "." || segment == ".." || segment.find('\0') != std::string_view::npos ||
            segment.find('\\') != std::string_view::npos) {
            result.kind = StaticResult::Kind::bad_path;
            return result;
        }
        if (!rel.empty()) rel += '/';
        rel += segment;
        last = segment;
    }

    std::error_code ec;
    fs::path candidate = rel.empty() ? root_ : root_ / rel;
    if (fs::is_directory(candidate, ec)) candidate /= "index.html";
    if (auto found = file_result(candidate, rel)) return *found;

    // Single-page-app fallback: client-side routes have no extension; a missing asset stays a 404
    // so a broken build shows up as a 404 rather than as HTML served for a script.
    if (!has_extension(last)) {
        if (auto index = file_result(root_ / "index.html", "index.html")) return *index;
    }
    return result;
}

Response StaticFiles::respond(const std::string& method, std::string_view decoded_path,
                               std::string_view accept_encoding) const {
    if (method != "GET" && method != "HEAD") {
        auto response = error_response(405, "method_not_allowed", "static files are read-only");
        response.headers.emplace_back("Allow", "GET, HEAD");
        return response;
    }
    StaticResult found = resolve(decoded_path);
    switch (found.kind) {
        case StaticResult::Kind::redirect: {
            Response response;
            response.status = 301;
            response.content_type.clear();
            response.headers.emplace_back("Location", found.location);
            return response;
        }
        case StaticResult::Kind::bad_path:
            return error_response(400, "bad_request", "path not allowed");
        case StaticResult::Kind::not_found:
            return error_response(404, "not_found", "no such file");
        case StaticResult::Kind::file:
            break;
    }
    Response response;
    fs::path file = found.file;
    bool compressed = false;
    for (auto [coding, suffix] : {std::pair{"br", ".br"}, std::pair{"gzip", ".gz"}}) {
        auto packed = sibling(found.file, suffix);
        if (!packed) continue;
        compressed = true;
        if (!accepts_encoding(accept_encoding, coding)) continue;
        file = *packed;
        response.headers.emplace_back("Content-Encoding", coding);
        break;
    }
    auto data = read_whole_file(file);
    if (!data) return error_response(404, "not_found", "no such file");
    response.body = std::move(*data);
    response.content_type = found.content_type;
    if (compressed) response.headers.emplace_back("Vary", "Accept-Encoding");
    response.headers.emplace_back("Cache-Control", found.cache_control);
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return response;
}

std::optional<StaticResult> StaticFiles::file_result(const fs::path& file, std::string_view rel) const {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return std::nullopt;
    auto canonical = fs::canonical(file, ec);
    if (ec || !is_within(canonical, root_)) return std::nullopt;
    StaticResult result;
    result.kind = StaticResult::Kind::file;
    result.file = canonical;
    result.content_type = std::string(content_type_for(file.filename().string()));
    bool hashed_asset = rel.substr(0, 7) == "assets/";
    result.cache_control = std::string(hashed_asset ? kImmutable : kRevalidate);
    return result;
}

std::optional<fs::path> StaticFiles::sibling(const fs::path& file, std::string_view suffix) const {
    fs::path packed = file;
    packed += std::string(suffix);
    std::error_code ec;
    if (!fs::is_regular_file(packed, ec)) return std::nullopt;
    auto canonical = fs::canonical(packed, ec);
    if (ec || !is_within(canonical, root_)) return std::nullopt;
    return canonical;
}

}  // namespace kw::http
