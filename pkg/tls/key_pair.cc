#include "pkg/tls/key_pair.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <filesystem>

#include "pkg/tls/openssl_text.h"
#include "pkg/util/files.h"
#include "pkg/util/strings.h"

namespace tls {
using internal::bio_of;
using internal::time_of;
using util::openssl::BioPtr;

util::StatusOr<std::shared_ptr<const KeyPair>> parse_key_pair(std::string_view certificate_pem,
                                                              const util::SecretString& key_pem) {
  auto pair = std::make_shared<KeyPair>();
  BioPtr bio = bio_of(certificate_pem);
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    pair->chain.emplace_back(certificate);
  }
  ERR_clear_error();  // the end of the text reads as an error
  if (pair->chain.empty()) return util::invalid_argument_error("no PEM certificate found");
  BioPtr key_bio = bio_of(key_pem.reveal());
  pair->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!pair->key) return util::invalid_argument_error("no unencrypted PEM private key found");
  const bool matches = X509_check_private_key(pair->chain.front().get(), pair->key.get()) == 1;
  ERR_clear_error();
  if (!matches) return util::invalid_argument_error("the key is not the certificate's");
  return std::shared_ptr<const KeyPair>(std::move(pair));
}

Validity validity(const KeyPair& pair) {
  X509* leaf = pair.chain.front().get();
  return {.not_before = time_of(X509_get0_notBefore(leaf)),
          .not_after = time_of(X509_get0_notAfter(leaf))};
}

util::StatusOr<std::unique_ptr<KeyPairFiles>> KeyPairFiles::load(std::string certificate_file,
                                                                 std::string key_file,
                                                                 absl::Duration recheck,
                                                                 util::Clock& clock,
                                                                 ChangeObserver on_change) {
  std::unique_ptr<KeyPairFiles> self(new KeyPairFiles(
      std::move(certificate_file), std::move(key_file), recheck, clock, std::move(on_change)));
  util::MutexLock lock(self->mu_);
  self->stamps_ = self->stamps();
  ASSIGN_OR_RETURN(self->current_, self->read());
  self->checked_ = clock.monotonic_now();
  return self;
}

KeyPairFiles::KeyPairFiles(std::string certificate_file, std::string key_file,
                           absl::Duration recheck, util::Clock& clock, ChangeObserver on_change)
    : certificate_file_(std::move(certificate_file)),
      key_file_(std::move(key_file)),
      recheck_(recheck),
      clock_(clock),
      on_change_(std::move(on_change)) {}

util::StatusOr<std::shared_ptr<const KeyPair>> KeyPairFiles::read() const {
  ASSIGN_OR_RETURN(const std::string certificates, util::read_file(certificate_file_));
  ASSIGN_OR_RETURN(std::string key_text, util::read_file(key_file_));
  const util::SecretString key_pem(std::move(key_text));  // zeroed when it goes
  util::StatusOr<std::shared_ptr<const KeyPair>> pair = parse_key_pair(certificates, key_pem);
  if (!pair.ok()) {
    return util::invalid_argument_error(
        util::cat(certificate_file_, " and ", key_file_, ": ", pair.status().message()));
  }
  return pair;
}

std::string KeyPairFiles::stamps() const {
  std::error_code ignored;
  return util::cat(
      std::filesystem::last_write_time(certificate_file_, ignored).time_since_epoch().count(), " ",
      std::filesystem::last_write_time(key_file_, ignored).time_since_epoch().count());
}

std::shared_ptr<const KeyPair> KeyPairFiles::current() {
  util::MutexLock lock(mu_);
  const util::MonotonicTime now = clock_.monotonic_now();
  if (now - checked_ < recheck_) return current_;
  checked_ = now;
  std::string stamps_now = stamps();
  if (stamps_now == stamps_) return current_;
  util::StatusOr<std::shared_ptr<const KeyPair>> loaded = read();
  // Mid-rotation (a new certificate before its key, say) the last good pair
  // stays, and the files are looked at again after `recheck`.
  const util::Status result = loaded.status();
  if (loaded.ok()) {
    current_ = *std::move(loaded);
    stamps_ = std::move(stamps_now);
  }
  if (on_change_) on_change_(result);
  return current_;
}

}  // namespace tls
