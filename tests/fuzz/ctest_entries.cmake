# CTest entries for the sanitize build, registered in the native build so
# `ctest` in build/native runs them. Included by tests/CMakeLists.txt:
#
#   # Sanitized core and server tests and the fuzz smoke (build/sanitize,
#   # made by scripts/build.sh): tests/fuzz/ctest_entries.cmake.
#   include(${CMAKE_CURRENT_SOURCE_DIR}/fuzz/ctest_entries.cmake)
#
# They run the binaries scripts/build.sh builds in build/sanitize (preset
# "sanitize": clang-14, ASan + UBSan); when that build is missing they fail
# saying so. The sanitize build itself reads tests/CMakeLists.txt too: there
# these entries would only repeat its own core_unit and server_integration.
if(BLOATMETER_FUZZ)
  return()
endif()

set(BLOATMETER_SANITIZE_DIR "${PROJECT_SOURCE_DIR}/build/sanitize" CACHE PATH "the sanitize preset's build folder")
set(_sanitize_env
  "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

foreach(_pair "sanitize_core_unit;core_tests" "sanitize_server_integration;server_tests")
  list(GET _pair 0 _name)
  list(GET _pair 1 _binary)
  set(_path "${BLOATMETER_SANITIZE_DIR}/tests/${_binary}")
  add_test(NAME ${_name}
    COMMAND sh -c "[ -x \"$1\" ] || { echo \"$1 is missing: build the sanitize preset (scripts/build.sh)\" >&2; exit 1; }; exec \"$1\""
      sh "${_path}"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  set_tests_properties(${_name} PROPERTIES ENVIRONMENT "${_sanitize_env}" TIMEOUT 900)
endforeach()

add_test(NAME fuzz_smoke
  COMMAND bash "${PROJECT_SOURCE_DIR}/tests/fuzz/run.sh" --smoke "${BLOATMETER_SANITIZE_DIR}")
set_tests_properties(fuzz_smoke PROPERTIES TIMEOUT 600)
