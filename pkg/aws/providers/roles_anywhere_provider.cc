#include "pkg/aws/providers/roles_anywhere_provider.h"

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

std::string file_names(const RolesAnywhereFiles& files) {
  return util::cat(files.certificate, " and ", files.private_key,
                   files.chain.empty() ? "" : util::cat(" (chain ", files.chain, ")"));
}

}  // namespace

util::StatusOr<std::unique_ptr<RolesAnywhereProvider>> RolesAnywhereProvider::create(
    RolesAnywhereClient& client, util::Clock& clock, RolesAnywhereProviderOptions options) {
  RETURN_IF_ERROR(
      parse_roles_anywhere_arn(options.trust_anchor_arn, RolesAnywhereResource::kTrustAnchor)
          .status());
  RETURN_IF_ERROR(
      parse_roles_anywhere_arn(options.profile_arn, RolesAnywhereResource::kProfile).status());
  RETURN_IF_ERROR(RoleArn::parse(options.role_arn).status());
  if (options.files.certificate.empty() || options.files.private_key.empty()) {
    return util::invalid_argument_error(
        "Roles Anywhere needs a certificate and a private key file");
  }
  std::unique_ptr<RolesAnywhereProvider> provider(
      new RolesAnywhereProvider(client, clock, std::move(options)));
  RETURN_IF_ERROR(provider->identity().status());
  return provider;
}

util::StatusOr<X509Pem> RolesAnywhereProvider::read_files() const {
  const RolesAnywhereFiles& files = options_.files;
  X509Pem pem;
  ASSIGN_OR_RETURN(pem.certificate, read_file(files.certificate, "certificate"));
  ASSIGN_OR_RETURN(std::string key, read_file(files.private_key, "private key"));
  pem.private_key = util::SecretString(std::move(key));
  if (!files.chain.empty()) {
    ASSIGN_OR_RETURN(pem.chain, read_file(files.chain, "certificate chain"));
  }
  return pem;
}

util::StatusOr<std::shared_ptr<const X509Identity>> RolesAnywhereProvider::identity() {
  const absl::Time now = clock_.system_now();
  util::StatusOr<X509Pem> files = read_files();
  util::MutexLock lock(mu_);
  if (files.ok() && identity_ != nullptr && same_files(*files, loaded_)) {
    rejected_ = util::ok_status();
  } else {
    util::StatusOr<std::shared_ptr<const X509Identity>> loaded =
        files.ok() ? X509Identity::load(*files, now) : files.status();
    if (loaded.ok()) {
      if (identity_ != nullptr && options_.on_files_changed) {
        options_.on_files_changed({.loaded = *loaded});
      }
      identity_ = *loaded;
      loaded_ = std::move(*files);
      rejected_ = util::ok_status();
    } else {
      const util::Status why = util::annotate(loaded.status(), file_names(options_.files));
      if (why.message() != rejected_.message() && identity_ != nullptr &&
          options_.on_files_changed) {
        options_.on_files_changed({.rejected = why});
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

std::shared_ptr<const X509Identity> RolesAnywhereProvider::loaded() const {
  util::MutexLock lock(mu_);
  return identity_;
}

util::StatusOr<Credentials> RolesAnywhereProvider::credentials() {
  ASSIGN_OR_RETURN(const std::shared_ptr<const X509Identity> signer, identity());
  ASSIGN_OR_RETURN(CreateSessionResult session,
                   client_.create_session({.trust_anchor_arn = options_.trust_anchor_arn,
                                           .profile_arn = options_.profile_arn,
                                           .role_arn = options_.role_arn,
                                           .duration = options_.session_duration},
                                          *signer, options_.stop));
  return std::move(session.credentials);
}

}  // namespace aws
