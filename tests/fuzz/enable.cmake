# Included by the root CMakeLists.txt (its last line). The sanitize preset
# (CMakePresets.json: clang-14, ASan + UBSan, build/sanitize) turns
# BLOATMETER_FUZZ on; every other build leaves it off and this file does
# nothing.
option(BLOATMETER_FUZZ "Build the libFuzzer targets in tests/fuzz (clang only; the sanitize preset)" OFF)
if(BLOATMETER_FUZZ AND NOT EMSCRIPTEN)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${CMAKE_BINARY_DIR}/tests/fuzz)
endif()
