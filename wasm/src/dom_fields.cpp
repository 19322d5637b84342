#include "dom_fields.hpp"

#include <cstdlib>

#include <emscripten/emscripten.h>

namespace bloatmeter::web {
namespace {

// A field shown for the first time takes the focus where there is a mouse
// (a phone would open its keyboard over the page unasked).
EM_JS(void, js_place_field, (const char* id, int shown, float x, float y, float w, float h, float font_px), {
  var el = document.getElementById(UTF8ToString(id));
  if (!el) return;
  var was_hidden = el.hidden;
  el.hidden = !shown;
  if (!shown) {
    if (document.activeElement === el) el.blur();
    return;
  }
  el.style.left = x + 'px';
  el.style.top = y + 'px';
  el.style.width = w + 'px';
  el.style.height = h + 'px';
  el.style.fontSize = font_px + 'px';
  if (was_hidden && el.hasAttribute('data-autofocus') && matchMedia('(pointer: fine)').matches)
    el.focus({ preventScroll: true });
});

EM_JS(char*, js_field_value, (const char* id), {
  var el = document.getElementById(UTF8ToString(id));
  var v = el ? el.value : "";
  var len = lengthBytesUTF8(v) + 1;
  var p = _malloc(len);
  stringToUTF8(v, p, len);
  return p;
});

EM_JS(void, js_clear_field, (const char* id), {
  var el = document.getElementById(UTF8ToString(id));
  if (el) el.value = "";
});

EM_JS(void, js_blur_fields, (), {
  var el = document.activeElement;
  if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) el.blur();
});

}  // namespace

void place_dom_field(const char* id, const FieldRect& r, float dpr) {
  js_place_field(id, r.shown ? 1 : 0, r.x / dpr, r.y / dpr, r.w / dpr, r.h / dpr, 17.0f);
}

std::string dom_field_value(const char* id) {
  char* p = js_field_value(id);
  std::string s(p ? p : "");
  free(p);
  return s;
}

void clear_dom_field(const char* id) { js_clear_field(id); }
void blur_dom_fields() { js_blur_fields(); }

}  // namespace bloatmeter::web
