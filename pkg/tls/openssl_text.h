// Inside pkg/tls: PEM text to OpenSSL and OpenSSL times to absl, in one
// place for certificates.cc and key_pair.cc.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>

#include <ctime>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/util/openssl_ptr.h"

namespace tls::internal {

// A read-only memory BIO over `text` (which must outlive it).
inline util::openssl::BioPtr bio_of(std::string_view text) {
  return util::openssl::BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// An ASN.1 time (a certificate's notBefore / notAfter) as absl::Time.
inline absl::Time time_of(const ASN1_TIME* t) {
  struct tm parts {};
  if (ASN1_TIME_to_tm(t, &parts) != 1) return absl::InfinitePast();
  return absl::FromUnixSeconds(timegm(&parts));
}

}  // namespace tls::internal
