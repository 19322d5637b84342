# embed_text(TARGET FUNCTION FILE): compiles into TARGET a function
# `std::string_view bloatmeter::FUNCTION()` returning FILE's text, read at
# configure time (editing FILE re-runs CMake). Plain CMake, so the native
# and the Emscripten builds embed it alike.
function(embed_text target function file)
  file(READ "${file}" EMBED_TEXT)
  set(delimiter ")bm_embedded\"")
  string(FIND "${EMBED_TEXT}" "${delimiter}" found)
  if(NOT found EQUAL -1)
    message(FATAL_ERROR "${file} contains ${delimiter}, which would end its embedded raw string")
  endif()
  set(EMBED_SOURCE "${file}")
  set(EMBED_FUNCTION "${function}")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded/${function}.cpp")
  configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../src/embedded_text.cpp.in" "${out}" @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  target_sources(${target} PRIVATE "${out}")
endfunction()
