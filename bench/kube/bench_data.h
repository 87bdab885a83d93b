// Realistic objects for the pkg/kube benchmarks: the Secret and AWSIAMRole the
// Go controller writes (tests/data/go-original-output), with the
// managedFields a real apiserver adds, renamed per index.
#pragma once

#include <malloc.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "pkg/kube/object.h"
#include "pkg/util/strings.h"

namespace kube::bench {

// Heap in use now, after handing free pages back: in glibc's arenas and in
// chunks of their own (mmapped: large blocks, such as a Store's pool).
inline size_t heap_in_use() {
  malloc_trim(0);
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

inline std::string read_data(const std::string& relative) {
  std::ifstream in(std::string(KAIC_TEST_DATA_DIR) + "/" + relative);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The apiserver's bookkeeping on every object (as in secret-create-201.json).
inline void add_managed_fields(Object& o) {
  auto fields = json::parse(
      R"([{"manager":"kube-aws-iam-controller","operation":"Update","apiVersion":"v1",)"
      R"("time":"2026-11-23T15:44:56Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},)"
      R"("f:awsiamrole-generation":{},"f:credentials":{},"f:credentials.json":{},)"
      R"("f:credentials.process":{},"f:expire":{},"f:role-arn":{}},"f:metadata":{"f:labels":)"
      R"({".":{},"f:heritage":{},"f:type":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"2ab69168\"}":{}}},)"
      R"("f:type":{}}}])");
  json::set(json::ensure_object(o.mutable_json(), "metadata"), "managedFields",
            std::move(fields).value());
}

// The i-th Secret / AWSIAMRole: distinct name, uid and resourceVersion.
inline Object numbered(const Object& base, int i, int64_t rv) {
  Object o = base;
  o.set_name(util::cat(base.name(), "-", i));
  o.set_resource_version(std::to_string(rv));
  json::set_string(json::ensure_object(o.mutable_json(), "metadata"), "uid",
                   util::cat("2ab69168-9dd2-4aab-af7a-", 100000000000 + i));
  return o;
}

inline Object secret_template() {
  Object o = Object::parse(read_data("go-original-output/secret.json")).value();
  add_managed_fields(o);
  return o;
}

inline Object role_template() {
  return Object::parse(read_data("go-original-output/awsiamrole-with-status.json")).value();
}

// A list response of `n` objects, as the apiserver sends it.
inline std::string list_body(const Object& base, int n, std::string_view list_kind,
                             std::string_view api_version, int64_t first_rv = 1000) {
  std::string body =
      util::cat(R"({"kind":")", list_kind, R"(","apiVersion":")", api_version,
                R"(","metadata":{"resourceVersion":")", first_rv + n, R"("},"items":[)");
  for (int i = 0; i < n; ++i) {
    if (i > 0) body += ",";
    body += numbered(base, i, first_rv + i).to_json();
  }
  body += "]}";
  return body;
}

// An index function: every ownerReferences[].uid of the object.
inline std::vector<std::string> owner_uids(const Object& o) {
  std::vector<std::string> out;
  for (const OwnerReference& ref : o.owner_references()) {
    if (!ref.uid.empty()) out.push_back(ref.uid);
  }
  return out;
}

}  // namespace kube::bench
