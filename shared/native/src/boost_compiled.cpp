// Asio's and Beast's non-template code (the scheduler, the reactor, the
// OpenSSL engine, WebSocket framing, permessage-deflate, the HTTP parser's
// tables), compiled once here instead of inline in every file that includes
// them. BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION
// (set on bloatmeter_native for every native target) say so to every other
// file; they were most of each session file's code generation, four minutes
// of each sanitized build's heaviest files between them.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
