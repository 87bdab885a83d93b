// What a TLS server presents at a handshake: a certificate chain (the
// serving certificate first, then its intermediates) and the matching key,
// parsed once; and KeyPairFiles, which keeps one current from PEM files that
// are rotated in place (cert-manager, kubelet's Secret volumes).
//
// Thread-safety: a KeyPair is immutable and shared; KeyPairFiles::current()
// may be called from many handshakes at once.
// Errors: kInvalidArgument when the text holds no certificate, no
// unencrypted key, or a key that is not the certificate's; reading a file
// fails with kube::read_file-like codes (kNotFound, kPermissionDenied, ...).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace tls {

struct KeyPair {
  std::vector<util::openssl::X509Ptr> chain;  // the serving certificate first
  util::openssl::PkeyPtr key;
};

util::StatusOr<std::shared_ptr<const KeyPair>> parse_key_pair(std::string_view certificate_pem,
                                                              const util::SecretString& key_pem);

// When the pair's serving certificate became valid and when it expires.
struct Validity {
  absl::Time not_before;
  absl::Time not_after;
};
Validity validity(const KeyPair& pair);

// The latest good pair of a certificate file and a key file. The files are
// looked at again when `recheck` has passed since the last look (0: every
// call); new content is used only when it makes a pair (mid-rotation, a new
// certificate before its key, the previous pair stays), so a rotation never
// fails a handshake. Borrows the clock. `on_change` hears of each new
// content seen: OK when it is served from now on, the reason it is not.
class KeyPairFiles {
 public:
  using ChangeObserver = std::function<void(const util::Status& result)>;

  // Fails when the files make no pair now.
  static util::StatusOr<std::unique_ptr<KeyPairFiles>> load(std::string certificate_file,
                                                            std::string key_file,
                                                            absl::Duration recheck,
                                                            util::Clock& clock,
                                                            ChangeObserver on_change = nullptr);
  std::shared_ptr<const KeyPair> current();

 private:
  KeyPairFiles(std::string certificate_file, std::string key_file, absl::Duration recheck,
               util::Clock& clock, ChangeObserver on_change);
  util::StatusOr<std::shared_ptr<const KeyPair>> read() const;
  std::string stamps() const;  // when each file was last written

  const std::string certificate_file_;
  const std::string key_file_;
  const absl::Duration recheck_;
  util::Clock& clock_;
  const ChangeObserver on_change_;
  util::Mutex mu_;
  std::shared_ptr<const KeyPair> current_ ABSL_GUARDED_BY(mu_);
  std::string stamps_ ABSL_GUARDED_BY(mu_);
  util::MonotonicTime checked_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tls
