#pragma once
// The native client's TLS settings.
#include <boost/asio/ssl/context.hpp>

namespace bloatmeter::cli {

// TLS 1.2+ client context: the system's trust store and peer checks when
// `verify`, none at all otherwise (--insecure, for self-signed servers).
boost::asio::ssl::context make_tls_context(bool verify);

}  // namespace bloatmeter::cli
