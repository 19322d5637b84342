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
set(_run_sanitized "${PROJECT_SOURCE_DIR}/tests/fuzz/run_sanitized.sh")

add_test(NAME sanitize_core_unit
  COMMAND bash "${_run_sanitized}" "${BLOATMETER_SANITIZE_DIR}/tests/core_tests"
  WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
# One test case is left out: it runs the server with 48 file descriptors,
# and once they are gone UBSan's vptr check cannot verify a vtable (the
# sanitizer probes memory through a pipe() it can no longer open) and
# reports a false "invalid vptr" in boost::system::error_code::message().
# A second one checks pacing: five households' 20 sessions, each user's rate
# within 5 %, read by clients in the same process; under ASan those clients
# run several times slower and cannot keep up with the computer's bulk flow,
# so it measures the sanitizer (it runs unsanitized in server_integration).
# A third checks that the CSV export's memory stays flat: ASan's quarantine
# keeps freed memory resident on purpose (to catch use after free), so RSS
# grows with every batch freed; unsanitized it runs in server_integration.
add_test(NAME sanitize_server_integration
  COMMAND bash "${_run_sanitized}" "${BLOATMETER_SANITIZE_DIR}/tests/server_tests"
    "--test-case-exclude=out of file descriptors*,five households*,the CSV export streams*"
  WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
set_tests_properties(sanitize_core_unit sanitize_server_integration PROPERTIES TIMEOUT 900)

add_test(NAME fuzz_smoke
  COMMAND bash "${PROJECT_SOURCE_DIR}/tests/fuzz/run.sh" --smoke "${BLOATMETER_SANITIZE_DIR}")
set_tests_properties(fuzz_smoke PROPERTIES TIMEOUT 600)
