// An X509Identity kept in step with files on disk, as a mounted Secret holds a
// certificate, its key and intermediates (cert-manager's tls.crt, tls.key,
// ca.crt). The files are read again whenever an identity is asked for; new
// content that does not make an identity (mid-rotation, a key that does not
// match its certificate, a broken file) is never used: the last good identity
// stays in use while it is valid, and the failure is reported once it is not.
//
// Thread-safe. Borrows the clock. Time: certificate validity against
// clock.system_now(). Errors: load() refuses files that do not make an
// identity (X509Identity::load's messages, prefixed with the file names);
// identity() the files' error once no valid identity is left, or the expiry.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "pkg/aws/x509_identity.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"

namespace aws {

struct X509Files {
  std::string certificate;  // PEM; the end-entity certificate first, intermediates after it
  std::string private_key;  // PEM: PKCS#8, PKCS#1 RSA or SEC1 EC
  std::string chain;        // optional PEM bundle of more intermediates
};

// What identity() found when the files had changed: the identity they make
// now, or why they do not make one (the previous identity then still signs).
struct X509FilesChange {
  std::shared_ptr<const X509Identity> loaded;  // null when rejected
  util::Status rejected;
};

class X509IdentityFiles {
 public:
  // Optional; told of each change after the first load, under the object's
  // lock (keep it short: a log line).
  using ChangeObserver = std::function<void(const X509FilesChange&)>;

  // Reads and checks the files now: the start-up refusal.
  static util::StatusOr<std::unique_ptr<X509IdentityFiles>> load(X509Files files,
                                                                 util::Clock& clock,
                                                                 ChangeObserver on_change = {});

  // The identity to sign with now: the files as they are, when they changed
  // and load, else the last good one while it is valid.
  util::StatusOr<std::shared_ptr<const X509Identity>> identity();
  // The identity the files made when they last loaded, even if it has expired
  // since (what metrics show); never null.
  std::shared_ptr<const X509Identity> loaded() const;
  const X509Files& files() const { return files_; }

 private:
  X509IdentityFiles(X509Files files, util::Clock& clock, ChangeObserver on_change)
      : files_(std::move(files)), clock_(clock), on_change_(std::move(on_change)) {}
  util::StatusOr<X509Pem> read() const;

  const X509Files files_;
  util::Clock& clock_;
  const ChangeObserver on_change_;

  mutable util::Mutex mu_;
  std::shared_ptr<const X509Identity> identity_ ABSL_GUARDED_BY(mu_);
  X509Pem loaded_ ABSL_GUARDED_BY(mu_);         // the files identity_ came from
  util::Status rejected_ ABSL_GUARDED_BY(mu_);  // why the files as they are do not load
};

}  // namespace aws
