# The Debian package (docs/deploy.md): `cpack -G DEB` in build/native, after
# the native and WASM builds, or `scripts/package.sh`, which does both.
#   /usr/bin/bloatmeter-server, /usr/bin/bloatmeter
#   /usr/share/bloatmeter/web            the web client (WEB_OUT)
#   /lib/systemd/system/bloatmeter.service
#   /etc/bloatmeter/bloatmeter.conf      a conffile, every key commented
#   /usr/share/doc/bloatmeter/           copyright, changelog
# The maintainer scripts (packaging/debian/) create the system user
# `bloatmeter` and /var/lib/bloatmeter, and enable the service.
# Dependencies are read off the binaries by dpkg-shlibdeps; tests/package/
# proves the list complete in a chroot that has only them.
set(WEB_OUT "${PROJECT_SOURCE_DIR}/build/web" CACHE PATH "web client output folder")
set(BLOATMETER_PACKAGE_REVISION "1" CACHE STRING "the Debian revision of the package")

install(TARGETS bloatmeter-server bloatmeter RUNTIME DESTINATION bin)
install(DIRECTORY "${WEB_OUT}/" DESTINATION share/bloatmeter/web)
install(FILES "${PROJECT_SOURCE_DIR}/contrib/systemd/bloatmeter.service" DESTINATION /lib/systemd/system)
install(FILES "${PROJECT_SOURCE_DIR}/packaging/bloatmeter.conf" DESTINATION /etc/bloatmeter)

# /usr/share/doc/bloatmeter: the copyright file assembled from ours and the
# bundled parts' own (read from Debian's files at build time, never copied
# into the repository), and a changelog, compressed as Debian's policy asks.
set(_doc "${CMAKE_CURRENT_BINARY_DIR}/package-doc")
file(MAKE_DIRECTORY "${_doc}")
file(READ "${PROJECT_SOURCE_DIR}/packaging/copyright.in" _copyright)
foreach(_part "${PROJECT_SOURCE_DIR}/third_party/imgui/LICENSE.txt" /usr/share/doc/fonts-inter/copyright)
  if(EXISTS "${_part}")
    file(READ "${_part}" _text)
    string(APPEND _copyright "---- ${_part}\n\n${_text}\n")
  endif()
endforeach()
file(WRITE "${_doc}/copyright" "${_copyright}")
string(TIMESTAMP _when "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE "${_doc}/changelog.Debian"
  "bloatmeter (${PROJECT_VERSION}-${BLOATMETER_PACKAGE_REVISION}) bookworm; urgency=medium\n\n"
  "  * Built from the bloatmeter repository.\n\n"
  " -- bloatmeter maintainers <maintainers@bloatmeter.example.net>  ${_when}\n")
add_custom_command(OUTPUT "${_doc}/changelog.Debian.gz"
  COMMAND gzip -9nf -k "${_doc}/changelog.Debian"
  DEPENDS "${_doc}/changelog.Debian")
add_custom_target(package_doc ALL DEPENDS "${_doc}/changelog.Debian.gz")
install(FILES "${_doc}/copyright" "${_doc}/changelog.Debian.gz" DESTINATION share/doc/bloatmeter)

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "bloatmeter")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CONTACT "bloatmeter maintainers <maintainers@bloatmeter.example.net>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE "${BLOATMETER_PACKAGE_REVISION}")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://bloatmeter.example.net/")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "bufferbloat and latency-under-load test server and client")
# The synopsis is the summary above; CPack indents this body and writes its
# empty line as " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "bloatmeter measures how a connection behaves when it is busy: the latency
a game or a video call feels while someone downloads, graded A+ to F.

This package holds the test server (bloatmeter-server), which serves the
web client, its probe and load endpoints, result storage, telemetry and
metrics, and the command-line client (bloatmeter).")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The maintainer scripts' own needs, which no binary shows.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${PROJECT_SOURCE_DIR}/packaging/debian/conffiles"
  "${PROJECT_SOURCE_DIR}/packaging/debian/postinst"
  "${PROJECT_SOURCE_DIR}/packaging/debian/prerm"
  "${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
