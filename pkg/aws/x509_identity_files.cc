#include "pkg/aws/x509_identity_files.h"

#include <fstream>
#include <sstream>

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

util::StatusOr<std::string> read_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return util::failed_precondition_error(util::cat("cannot read the ", what, " ", path));
  }
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

bool same_files(const X509Pem& a, const X509Pem& b) {
  return a.certificate == b.certificate && a.private_key == b.private_key && a.chain == b.chain;
}

std::string file_names(const X509Files& files) {
  return util::cat(files.certificate, " and ", files.private_key,
                   files.chain.empty() ? "" : util::cat(" (chain ", files.chain, ")"));
}

}  // namespace

util::StatusOr<std::unique_ptr<X509IdentityFiles>> X509IdentityFiles::load(
    X509Files files, util::Clock& clock, ChangeObserver on_change) {
  if (files.certificate.empty() || files.private_key.empty()) {
    return util::invalid_argument_error(
        "an X.509 identity needs a certificate and a private key file");
  }
  std::unique_ptr<X509IdentityFiles> out(
      new X509IdentityFiles(std::move(files), clock, std::move(on_change)));
  RETURN_IF_ERROR(out->identity().status());
  return out;
}

util::StatusOr<X509Pem> X509IdentityFiles::read() const {
  X509Pem pem;
  ASSIGN_OR_RETURN(pem.certificate, read_file(files_.certificate, "certificate"));
  ASSIGN_OR_RETURN(std::string key, read_file(files_.private_key, "private key"));
  pem.private_key = util::SecretString(std::move(key));
  if (!files_.chain.empty()) {
    ASSIGN_OR_RETURN(pem.chain, read_file(files_.chain, "certificate chain"));
  }
  return pem;
}

util::StatusOr<std::shared_ptr<const X509Identity>> X509IdentityFiles::identity() {
  const absl::Time now = clock_.system_now();
  util::StatusOr<X509Pem> files = read();
  util::MutexLock lock(mu_);
  if (files.ok() && identity_ != nullptr && same_files(*files, loaded_)) {
    rejected_ = util::ok_status();
  } else {
    util::StatusOr<std::shared_ptr<const X509Identity>> loaded =
        files.ok() ? X509Identity::load(*files, now) : files.status();
    if (loaded.ok()) {
      if (identity_ != nullptr && on_change_) on_change_({.loaded = *loaded});
      identity_ = *loaded;
      loaded_ = std::move(*files);
      rejected_ = util::ok_status();
    } else {
      const util::Status why = util::annotate(loaded.status(), file_names(files_));
      if (why.message() != rejected_.message() && identity_ != nullptr && on_change_) {
        on_change_({.rejected = why});
      }
      rejected_ = why;
    }
  }
  if (identity_ == nullptr) return rejected_;
  if (now > identity_->not_after()) {
    return util::failed_precondition_error(util::cat(
        "certificate ", identity_->describe(), " expired at ",
        util::format_rfc3339(identity_->not_after()),
        rejected_.ok() ? "; renew it"
                       : util::cat(", and the files do not load: ", rejected_.message())));
  }
  return identity_;
}

std::shared_ptr<const X509Identity> X509IdentityFiles::loaded() const {
  util::MutexLock lock(mu_);
  return identity_;
}

}  // namespace aws
