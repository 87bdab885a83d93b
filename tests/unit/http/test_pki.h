// A throwaway PKI for the TLS tests, made at run time with OpenSSL: a CA, a
// server certificate for 127.0.0.1/localhost/apiserver.test, a client
// certificate from the same CA, and one from an unrelated CA. Files live in a
// temporary directory removed by the destructor. P-256 keys keep it fast.
#pragma once

#include <string>

namespace http::test {

struct TestPki {
  TestPki();  // aborts if OpenSSL fails: no test can run without it
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  std::string dir;
  std::string ca_file;
  std::string ca_pem;
  std::string server_cert_file;
  std::string server_key_file;
  std::string client_cert_file;
  std::string client_cert_pem;
  std::string client_key_file;
  std::string client_key_pem;
  // Signed by a CA the server does not trust.
  std::string rogue_client_cert_pem;
  std::string rogue_client_key_pem;
};

}  // namespace http::test
