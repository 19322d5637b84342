#pragma once
#include <filesystem>
#include <string_view>

#include "http_types.hpp"
#include "responses.hpp"

namespace bloatmeter::server {

// MIME type by file extension (application/wasm included).
std::string_view mime_type(std::string_view path);
// Cache-Control by file kind: the page and the app's code revalidate every
// time (their names do not change between releases), fonts and images keep.
std::string_view cache_control_for(std::string_view path);

// Serves GET/HEAD for a file below `root` (canonical). Traversal attempts
// get 400, missing files 404, both as JSON; conditional requests get 304.
Response serve_static(const Request& req, const std::filesystem::path& root);

// Serves GET/HEAD for one file, wherever it is (the operator's
// servers_file): 404 when it is missing, 304 for a conditional request.
Response serve_file(const Request& req, const std::filesystem::path& file);

}  // namespace bloatmeter::server
