#pragma once
#include <filesystem>
#include <string>

#include "bloatmeter/outcome.hpp"

namespace bloatmeter::server {

struct TlsFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
  bool generated = false;    // made just now
  bool self_signed = false;  // the server's own (data_dir/tls/), renewed by it
};

// The certificate and key to serve HTTPS with: the operator's when given,
// otherwise a self-signed pair for localhost kept under data_dir/tls/,
// generated on first use (P-256, SAN localhost, 127.0.0.1, ::1) and reused.
Outcome<TlsFiles> ensure_tls_files(const std::filesystem::path& cert, const std::filesystem::path& key,
                                   const std::filesystem::path& data_dir);

// A new self-signed pair in place of the old one under data_dir/tls/ (it
// nears its expiry, or it does not load). Each file is written beside its
// place and renamed over it, so a reader never sees half a file.
Outcome<TlsFiles> renew_self_signed(const std::filesystem::path& data_dir);

}  // namespace bloatmeter::server
