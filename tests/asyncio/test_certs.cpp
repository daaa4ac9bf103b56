#include "test_certs.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace braid::asyncio::test {

namespace {
struct key_and_cert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  key_and_cert() = default;
  key_and_cert(const key_and_cert&) = delete;
  ~key_and_cert() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test_certs: ") + what);
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

/// A certificate for `cn`, valid from `from_days` to `to_days` around now, signed by `issuer`
/// (itself when null).
void make(key_and_cert& out, const char* cn, const key_and_cert* issuer, bool ca, long from_days,
          long to_days, const char* san, long serial) {
  out.key = EVP_EC_gen("P-256");
  check(out.key != nullptr, "key");
  out.cert = X509_new();
  check(out.cert != nullptr, "X509_new");
  X509_set_version(out.cert, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(out.cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(out.cert), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(out.cert), to_days * 86400);
  X509_set_pubkey(out.cert, out.key);
  X509_NAME* name = X509_get_subject_name(out.cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert : out.cert;
  X509_set_issuer_name(out.cert, X509_get_subject_name(issuer_cert));
  add_ext(out.cert, issuer_cert, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
  add_ext(out.cert, issuer_cert, NID_key_usage,
          ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  add_ext(out.cert, issuer_cert, NID_subject_key_identifier, "hash");
  add_ext(out.cert, issuer_cert, NID_authority_key_identifier, "keyid:always");
  if (san) add_ext(out.cert, issuer_cert, NID_subject_alt_name, san);
  check(X509_sign(out.cert, issuer ? issuer->key : out.key, EVP_sha256()) > 0, "sign");
}

void write_cert(const std::string& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "open");
  const bool ok = PEM_write_X509(f, cert) == 1;
  std::fclose(f);
  check(ok, "write certificate");
}

void write_key(const std::string& path, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "open");
  const bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  check(ok, "write key");
}

cert_files save(const std::string& dir, const char* stem, const key_and_cert& kc) {
  cert_files files{dir + "/" + stem + ".pem", dir + "/" + stem + ".key"};
  write_cert(files.cert, kc.cert);
  write_key(files.key, kc.key);
  return files;
}
}  // namespace

test_certs::test_certs() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "braid-certs-XXXXXX").string();
  check(::mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
  dir_ = tmpl;
  const char* host_san = "DNS:localhost,IP:127.0.0.1";
  key_and_cert ca, srv, old, cli, other_ca, fake;
  make(ca, "braid test CA", nullptr, true, -1, 30, nullptr, 1);
  make(srv, "localhost", &ca, false, -1, 30, host_san, 2);
  make(old, "localhost", &ca, false, -3, -1, host_san, 3);
  make(cli, "braid test client", &ca, false, -1, 30, nullptr, 4);
  make(other_ca, "braid untrusted CA", nullptr, true, -1, 30, nullptr, 5);
  make(fake, "localhost", &other_ca, false, -1, 30, host_san, 6);
  ca_file = dir_ + "/ca.pem";
  write_cert(ca_file, ca.cert);
  server = save(dir_, "server", srv);
  expired = save(dir_, "expired", old);
  client = save(dir_, "client", cli);
  rogue = save(dir_, "rogue", fake);
}

test_certs::~test_certs() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace braid::asyncio::test
