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

EM_JS(void, js_save_png, (const char* name), {
  var filename = UTF8ToString(name);
  // The WebGL drawing buffer is cleared after compositing: capture right
  // after the next frame is drawn.
  Module.afterFrame = function () {
    Module.canvas.toBlob(function (blob) {
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = filename;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }, 'image/png');
  };
});

EM_JS(void, js_copy, (const char* text), {
  var t = UTF8ToString(text);
  if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(t).catch(function () {});
  document.body.dataset.clipboard = t;  // also readable by tests
});

EM_JS(void, js_open_picker, (), { var el = document.getElementById('file-input'); if (el) el.click(); });

EM_JS(char*, js_url_param, (const char* name), {
  var v = new URLSearchParams(location.search).get(UTF8ToString(name)) || '';
  var len = lengthBytesUTF8(v) + 1;
  var p = _malloc(len);
  stringToUTF8(v, p, len);
  return p;
});

EM_JS(char*, js_location_part, (int which), {
  var v = which === 0 ? location.origin : location.pathname.replace(/[^\/]*$/, '');
  var len = lengthBytesUTF8(v) + 1;
  var p = _malloc(len);
  stringToUTF8(v, p, len);
  return p;
});

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
void save_canvas_png(const std::string& filename) { js_save_png(filename.c_str()); }
void copy_to_clipboard(const std::string& text) { js_copy(text.c_str()); }
void open_file_picker() { js_open_picker(); }
std::string url_param(const std::string& name) { return take_js_string(js_url_param(name.c_str())); }
std::string page_origin() { return take_js_string(js_location_part(0)); }
std::string page_path() { return take_js_string(js_location_part(1)); }
bool served_over_http() { return js_served_over_http() != 0; }

}  // namespace bloatmeter::web
