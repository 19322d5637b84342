#include "browser.hpp"

#include <cmath>
#include <cstdlib>

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

namespace bloatmeter::web {

EM_JS(void, js_set_mirror, (const char* text), {
  var el = document.getElementById('status-mirror');
  if (el) el.textContent = UTF8ToString(text);
});

EM_JS(void, js_set_state, (const char* state), { document.body.dataset.state = UTF8ToString(state); });

// Rebuilt from "label\tpressed\n" lines (labels hold no tabs or newlines).
EM_JS(void, js_set_controls, (const char* lines), {
  var nav = document.getElementById('view-controls');
  if (!nav) return;
  nav.textContent = "";
  UTF8ToString(lines).split('\n').forEach(function (line, i) {
    if (!line) return;
    var parts = line.split('\t');
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = parts[0];
    if (parts[1] === '1') b.setAttribute('aria-pressed', 'true');
    b.addEventListener('click', function () { Module.ccall('bm_view_control', null, ['number'], [i]); });
    nav.appendChild(b);
  });
});

void set_dom_mirror(const std::string& text) { js_set_mirror(text.c_str()); }

void set_dom_controls(const std::vector<DomControl>& controls) {
  std::string lines;
  for (const auto& c : controls) {
    std::string label = c.label;
    for (char& ch : label)
      if (ch == '\t' || ch == '\n') ch = ' ';
    lines += label + (c.pressed ? "\t1\n" : "\t0\n");
  }
  js_set_controls(lines.c_str());
}
void set_page_state(const std::string& state) { js_set_state(state.c_str()); }

CanvasSize sync_canvas_size() {
  double w = 0, h = 0;
  emscripten_get_element_css_size("#canvas", &w, &h);
  CanvasSize s;
  s.css_width = static_cast<int>(std::lround(w));
  s.css_height = static_cast<int>(std::lround(h));
  s.device_pixel_ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (s.device_pixel_ratio <= 0) s.device_pixel_ratio = 1;
  const int pw = static_cast<int>(std::lround(w * s.device_pixel_ratio));
  const int ph = static_cast<int>(std::lround(h * s.device_pixel_ratio));
  int cw = 0, ch = 0;
  emscripten_get_canvas_element_size("#canvas", &cw, &ch);
  if (cw != pw || ch != ph) emscripten_set_canvas_element_size("#canvas", pw, ph);
  return s;
}

double now_ms() { return emscripten_get_now(); }

EM_JS(char*, js_now_iso_ms, (), {
  var v = new Date().toISOString();
  var len = lengthBytesUTF8(v) + 1;
  var p = _malloc(len);
  stringToUTF8(v, p, len);
  return p;
});
std::string now_iso() {
  char* p = js_now_iso_ms();
  std::string s(p);
  free(p);
  return s;
}

}  // namespace bloatmeter::web
