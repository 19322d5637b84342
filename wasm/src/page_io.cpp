#include "page_io.hpp"

#include <emscripten/emscripten.h>

namespace bloatmeter::web {

EM_JS(void, js_save_text, (const char* name, const char* text, const char* mime), {
  var blob = new Blob([UTF8ToString(text)], { type: UTF8ToString(mime) });
  var a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
});

EM_JS(void, js_save_pixels, (const char* name, const unsigned char* rgba, int w, int h), {
  var filename = UTF8ToString(name);
  var canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  var ctx = canvas.getContext('2d');
  var image = ctx.createImageData(w, h);
  var row = w * 4;
  // GL reads bottom-up; images are top-down.
  for (var y = 0; y < h; y++) image.data.set(HEAPU8.subarray(rgba + (h - 1 - y) * row, rgba + (h - y) * row), y * row);
  ctx.putImageData(image, 0, 0);
  canvas.toBlob(function (blob) {
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }, 'image/png');
});

EM_JS(void, js_copy, (const char* text), {
  var t = UTF8ToString(text);
  if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(t).catch(function () {});
  document.body.dataset.clipboard = t;  // also readable by tests
});

EM_JS(void, js_open_picker, (), { var el = document.getElementById('file-input'); if (el) el.click(); });

EM_JS(char*, js_url_param, (const char* name), {
  var v = new URLSearchParams(location.search).get(UTF8ToString(name)) || "";
  var len = lengthBytesUTF8(v) + 1;
  var p = _malloc(len);
  stringToUTF8(v, p, len);
  return p;
});

EM_JS(char*, js_location_part, (int which), {
  var v = which === 0 ? location.origin : which === 1 ? location.pathname.replace(/[^/]*$/, "") : location.hash;
  var len = lengthBytesUTF8(v) + 1;
  var p = _malloc(len);
  stringToUTF8(v, p, len);
  return p;
});

EM_JS(void, js_clear_hash, (), { history.replaceState(null, "", location.pathname + location.search); });

EM_JS(int, js_served_over_http, (), { return location.protocol === 'http:' || location.protocol === 'https:' ? 1 : 0; });

namespace {
std::string take_js_string(char* p) {
  std::string s(p ? p : "");
  free(p);
  return s;
}
}  // namespace

void save_text_file(const std::string& filename, const std::string& text, const std::string& mime) {
  js_save_text(filename.c_str(), text.c_str(), mime.c_str());
}
void save_pixels_png(const std::string& filename, const unsigned char* rgba, int width, int height) {
  js_save_pixels(filename.c_str(), rgba, width, height);
}
void copy_to_clipboard(const std::string& text) { js_copy(text.c_str()); }
void open_file_picker() { js_open_picker(); }
std::string url_param(const std::string& name) { return take_js_string(js_url_param(name.c_str())); }
std::string page_origin() { return take_js_string(js_location_part(0)); }
std::string page_path() { return take_js_string(js_location_part(1)); }
std::string page_hash() { return take_js_string(js_location_part(2)); }
void clear_page_hash() { js_clear_hash(); }
bool served_over_http() { return js_served_over_http() != 0; }

}  // namespace bloatmeter::web
