#include "tls_identity.hpp"

#include <cstdio>
#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace bloatmeter::server {
namespace fs = std::filesystem;

namespace {
template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

bool write_pem(const fs::path& path, bool is_key, EVP_PKEY* pkey, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const int ok = is_key ? PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr)
                        : PEM_write_X509(f, cert);
  return std::fclose(f) == 0 && ok == 1;
}

Outcome<TlsFiles> generate(const fs::path& dir) {
  using R = Outcome<TlsFiles>;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return R::failure("cannot create " + dir.string() + ": " + ec.message());
  PkeyPtr pkey(EVP_EC_gen("P-256"));
  if (!pkey) return R::failure("cannot generate a TLS key");
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 825);
  X509_set_pubkey(cert.get(), pkey.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("bloatmeter (self-signed)"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  ExtPtr san(X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"));
  if (!san || X509_add_ext(cert.get(), san.get(), -1) != 1) return R::failure("cannot add subjectAltName");
  if (X509_sign(cert.get(), pkey.get(), EVP_sha256()) == 0) return R::failure("cannot sign the certificate");

  TlsFiles files{dir / "cert.pem", dir / "key.pem", true, true};
  auto key_next = files.key, cert_next = files.cert;
  key_next += ".new";
  cert_next += ".new";
  // The key is written owner-only before any byte of it exists on disk.
  fs::remove(key_next, ec);
  FILE* touch = std::fopen(key_next.c_str(), "wb");
  if (!touch) return R::failure("cannot write " + key_next.string());
  std::fclose(touch);
  fs::permissions(key_next, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (!write_pem(key_next, true, pkey.get(), nullptr) || !write_pem(cert_next, false, nullptr, cert.get()))
    return R::failure("cannot write the TLS files under " + dir.string());
  fs::rename(key_next, files.key, ec);
  if (!ec) fs::rename(cert_next, files.cert, ec);
  if (ec) return R::failure("cannot put the TLS files in place under " + dir.string() + ": " + ec.message());
  return R::success(files);
}
}  // namespace

Outcome<TlsFiles> ensure_tls_files(const fs::path& cert, const fs::path& key, const fs::path& data_dir) {
  using R = Outcome<TlsFiles>;
  if (!cert.empty()) {
    for (const auto& p : {cert, key})
      if (!fs::is_regular_file(p)) return R::failure("TLS file not found: " + p.string());
    return R::success({cert, key, false});
  }
  const auto dir = data_dir / "tls";
  if (fs::is_regular_file(dir / "cert.pem") && fs::is_regular_file(dir / "key.pem"))
    return R::success({dir / "cert.pem", dir / "key.pem", false, true});
  return generate(dir);
}

Outcome<TlsFiles> renew_self_signed(const fs::path& data_dir) { return generate(data_dir / "tls"); }

}  // namespace bloatmeter::server
