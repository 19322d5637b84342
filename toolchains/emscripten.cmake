# The WASM build uses Debian's Emscripten. Its JS optimizer needs Debian's
# node modules (acorn) on NODE_PATH; set it here so a plain `cmake --preset
# wasm` works without a wrapper.
set(ENV{NODE_PATH} "/usr/share/nodejs")
include(/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake)
