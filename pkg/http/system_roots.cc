#include "pkg/http/system_roots.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "pkg/util/files.h"
#include "pkg/util/mutex.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/strings.h"

namespace http {
namespace {

// Go's crypto/x509 (root_linux.go): the distributions' bundles, then their
// certificate directories.
constexpr const char* kWellKnownBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Gentoo, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL 6
    "/etc/ssl/ca-bundle.pem",                             // openSUSE
    "/etc/pki/tls/cacert.pem",                            // OpenELEC
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7
    "/etc/ssl/cert.pem",                                  // Alpine
};
constexpr const char* kWellKnownDirs[] = {"/etc/ssl/certs", "/etc/pki/tls/certs"};

// `variable` when it is set; else OpenSSL's default when it exists; else the
// first of `well_known` that exists; else "".
std::string locate(const Getenv& getenv, const PathExists& exists, const char* variable,
                   const char* openssl_default, std::span<const char* const> well_known) {
  if (auto value = getenv(variable); value && !value->empty()) return *value;
  if (exists(openssl_default)) return openssl_default;
  for (const char* path : well_known) {
    if (exists(path)) return path;
  }
  return "";
}

// A bundle's certificates as DER, by the hash of their subject (OpenSSL's
// canonical X509_NAME_hash, the one hashed directories are named by).
class Bundle {
 public:
  static util::StatusOr<std::unique_ptr<const Bundle>> read(const std::string& path) {
    auto pem = util::read_file(path);
    if (!pem.ok()) {
      return util::invalid_argument_error(
          util::cat("CA bundle ", path, " cannot be read: ", pem.status().message()));
    }
    auto bundle = std::unique_ptr<Bundle>(new Bundle());
    const util::openssl::BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
    while (true) {
      const util::openssl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
      if (!cert) break;
      unsigned char* der = nullptr;
      const int length = i2d_X509(cert.get(), &der);
      if (length <= 0) continue;
      bundle->by_subject_.emplace(
          X509_NAME_hash_ex(X509_get_subject_name(cert.get()), nullptr, nullptr, nullptr),
          std::string(reinterpret_cast<const char*>(der), static_cast<size_t>(length)));
      OPENSSL_free(der);
    }
    ERR_clear_error();  // the end of the bundle
    if (bundle->by_subject_.empty()) {
      return util::invalid_argument_error(util::cat("no certificate in the CA bundle ", path));
    }
    return std::unique_ptr<const Bundle>(std::move(bundle));
  }

  // Parsed anew: the store keeps what it is given.
  std::vector<util::openssl::X509Ptr> certificates_for(const X509_NAME* subject) const {
    std::vector<util::openssl::X509Ptr> found;
    const auto [begin, end] =
        by_subject_.equal_range(X509_NAME_hash_ex(subject, nullptr, nullptr, nullptr));
    for (auto it = begin; it != end; ++it) {
      const auto* der = reinterpret_cast<const unsigned char*>(it->second.data());
      util::openssl::X509Ptr cert(d2i_X509(nullptr, &der, static_cast<long>(it->second.size())));
      if (cert && X509_NAME_cmp(X509_get_subject_name(cert.get()), subject) == 0) {
        found.push_back(std::move(cert));
      }
    }
    return found;
  }

 private:
  Bundle() = default;
  std::multimap<unsigned long, std::string> by_subject_;
};

// Each bundle read once per process: every TLS context that trusts the
// system's CAs (the AWS client's, a kubeconfig's without a CA) shares it. Never freed: the lookups
// that point at a bundle live as long as their contexts, which may outlive any owner here.
util::StatusOr<const Bundle*> bundle_at(const std::string& path) {
  static util::Mutex mu;
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): kept for the process's life
  static auto* const kBundles = new std::map<std::string, std::unique_ptr<const Bundle>>();
  util::MutexLock lock(mu);
  if (auto it = kBundles->find(path); it != kBundles->end()) return it->second.get();
  ASSIGN_OR_RETURN(std::unique_ptr<const Bundle> bundle, Bundle::read(path));
  return kBundles->emplace(path, std::move(bundle)).first->second.get();
}

// The X509_LOOKUP's answer to "certificates with this subject", as OpenSSL's
// hashed-directory lookup gives it: add them to the store, then hand back the
// store's object for the name.
int get_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name,
                   X509_OBJECT* ret) {
  if (type != X509_LU_X509) return 0;
  const auto* bundle = static_cast<const Bundle*>(X509_LOOKUP_get_method_data(lookup));
  X509_STORE* store = X509_LOOKUP_get_store(lookup);
  bool added = false;
  for (const util::openssl::X509Ptr& cert : bundle->certificates_for(name)) {
    added = X509_STORE_add_cert(store, cert.get()) == 1 || added;
  }
  if (!added) return 0;
  if (X509_STORE_lock(store) != 1) return 0;
  X509_OBJECT* cached = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), type, name);
  X509* cert = cached != nullptr ? X509_OBJECT_get0_X509(cached) : nullptr;
  // The answer borrows the store's certificate, as the hashed-directory
  // lookup's does: the caller takes a reference of its own. set1 takes one,
  // so it is given back.
  const int ok = cert != nullptr && X509_OBJECT_set1_X509(ret, cert) == 1;
  if (ok) X509_free(cert);
  X509_STORE_unlock(store);
  return ok;
}

X509_LOOKUP_METHOD* bundle_lookup_method() {
  static X509_LOOKUP_METHOD* const kMethod = [] {
    X509_LOOKUP_METHOD* m = X509_LOOKUP_meth_new("CA bundle, certificates parsed on demand");
    X509_LOOKUP_meth_set_get_by_subject(m, get_by_subject);
    return m;
  }();
  return kMethod;
}

}  // namespace

SystemRoots find_system_roots(const Getenv& getenv, const PathExists& exists) {
  return {
      .file =
          locate(getenv, exists, "SSL_CERT_FILE", X509_get_default_cert_file(), kWellKnownBundles),
      .dir = locate(getenv, exists, "SSL_CERT_DIR", X509_get_default_cert_dir(), kWellKnownDirs)};
}

SystemRoots find_system_roots() {
  return find_system_roots(process_environment, [](const std::string& path) {
    std::error_code error;
    return std::filesystem::exists(path, error);
  });
}

std::string describe(const SystemRoots& roots) {
  if (roots.empty()) return "none found";
  std::string out;
  if (!roots.file.empty()) out = util::cat(roots.file, " (on demand)");
  if (!roots.dir.empty()) out += util::cat(out.empty() ? "" : ", ", roots.dir);
  return out;
}

util::Status trust_on_demand(x509_store_st* store, const SystemRoots& roots) {
  if (!roots.file.empty()) {
    ASSIGN_OR_RETURN(const Bundle* bundle, bundle_at(roots.file));
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, bundle_lookup_method());
    if (lookup == nullptr) return util::internal_error("X509_STORE_add_lookup failed");
    X509_LOOKUP_set_method_data(lookup, const_cast<Bundle*>(bundle));  // NOLINT: read only
  }
  if (!roots.dir.empty()) {
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (lookup == nullptr ||
        X509_LOOKUP_add_dir(lookup, roots.dir.c_str(), X509_FILETYPE_PEM) != 1) {
      ERR_clear_error();
      return util::internal_error(util::cat("cannot use the CA directory ", roots.dir));
    }
  }
  return util::ok_status();
}

}  // namespace http
