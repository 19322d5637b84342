#pragma once
// What the client asks of the page: files, clipboard, URL parameters.
#include <string>

namespace bloatmeter::web {

// Offers `text` as a file download named `filename`.
void save_text_file(const std::string& filename, const std::string& text, const std::string& mime);
// Saves RGBA pixels read from GL (bottom row first) as a PNG file.
void save_pixels_png(const std::string& filename, const unsigned char* rgba, int width, int height);
void copy_to_clipboard(const std::string& text);
// Opens the file picker; the chosen file arrives via bm_open_result_text().
void open_file_picker();
std::string url_param(const std::string& name);
std::string page_origin();  // "http://host:port"
std::string page_path();    // "/" or "/sub/"
std::string page_hash();    // "#operator", or empty
// Drops the "#..." from the address without a new history entry.
void clear_page_hash();
// Is the page served by a bloatmeter server (not opened from disk)?
bool served_over_http();

}  // namespace bloatmeter::web
