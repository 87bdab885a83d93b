// Typed access to core/v1 Secrets on top of Object: a read-only view that
// decodes `data` from base64 into util::SecretString, and a builder for the
// objects the controller creates or updates.
//
// Thread-safety: SecretView reads a const Object (safe to share); a builder is
// used by one thread. Ownership: SecretView borrows the object, which must
// outlive it. Errors: SecretView::data returns kNotFound for a missing key and
// kDataLoss for a value that is not valid base64 (the key is named, the value
// never is).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pkg/kube/object.h"
#include "pkg/util/secret_string.h"

namespace kube {

class SecretView {
 public:
  explicit SecretView(const Object& object) : object_(object) {}

  std::string_view type() const;  // "Opaque", "kubernetes.io/tls", ...
  std::vector<std::string> data_keys() const;
  bool has_data(std::string_view key) const;
  // The decoded value of data[key].
  util::StatusOr<util::SecretString> data(std::string_view key) const;
  const Object& object() const { return object_; }

 private:
  const Object& object_;
};

class SecretBuilder {
 public:
  // A new Secret: apiVersion v1, kind Secret, type Opaque.
  SecretBuilder(std::string_view ns, std::string_view name);
  // Starts from an existing Secret (for an update: keeps resourceVersion).
  explicit SecretBuilder(Object base);

  SecretBuilder& type(std::string_view type);
  SecretBuilder& label(std::string_view key, std::string_view value);
  SecretBuilder& labels(const StringMap& labels);  // replaces all labels
  SecretBuilder& owner_references(const std::vector<OwnerReference>& refs);
  // Sets data[key] = base64(value).
  SecretBuilder& data(std::string_view key, const util::SecretString& value);
  SecretBuilder& remove_data(std::string_view key);
  SecretBuilder& clear_data();

  Object build() const& { return object_; }
  Object build() && { return std::move(object_); }
  const Object& peek() const { return object_; }

 private:
  Object object_;
};

}  // namespace kube
