#pragma once
// A test helper: certificates made at run time with OpenSSL's API (no key is ever committed),
// written as PEM files into a fresh temporary directory that is removed afterwards.
//
// A CA ("braid test CA") signs: a server certificate for localhost and 127.0.0.1, one that
// expired yesterday, and a client certificate ("braid test client"). A second CA, which no test
// trusts, signs a server certificate for localhost (the "unknown CA" case).

#include <string>

namespace braid::asyncio::test {

struct cert_files {
  std::string cert;
  std::string key;
};

class test_certs {
 public:
  /// Makes every certificate (about a millisecond each: EC P-256 keys). Throws std::runtime_error.
  test_certs();
  /// Removes the files and the directory.
  ~test_certs();
  test_certs(const test_certs&) = delete;
  test_certs& operator=(const test_certs&) = delete;

  std::string ca_file;  // the trusted CA's certificate
  cert_files server;    // CN=localhost, SAN DNS:localhost, IP:127.0.0.1
  cert_files expired;   // as server, not valid after yesterday
  cert_files client;    // CN=braid test client, for client authentication
  cert_files rogue;     // CN=localhost, signed by the CA nobody trusts

 private:
  std::string dir_;
};

}  // namespace braid::asyncio::test
