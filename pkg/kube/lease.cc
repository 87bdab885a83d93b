#include "pkg/kube/lease.h"

#include "pkg/util/rfc3339.h"

namespace kube {
namespace {

std::optional<absl::Time> read_time(const JsonValue& spec, std::string_view key) {
  const std::string_view text = json::get_string(spec, key);
  if (text.empty()) return std::nullopt;
  auto t = util::parse_rfc3339(text);
  if (!t.ok()) return std::nullopt;
  return *t;
}

void write_time(JsonValue& spec, std::string_view key, const std::optional<absl::Time>& t) {
  if (t.has_value()) {
    json::set_string(spec, key, util::format_rfc3339_micro(*t));
  } else {
    json::remove(spec, key);
  }
}

}  // namespace

LeaseRecord read_lease_record(const Object& lease) {
  LeaseRecord record;
  const JsonValue* spec = json::find(lease.json(), "spec");
  if (spec == nullptr || !spec->IsObject()) return record;
  record.holder_identity = json::get_string(*spec, "holderIdentity");
  record.lease_duration_seconds =
      static_cast<int32_t>(json::get_int(*spec, "leaseDurationSeconds").value_or(0));
  record.acquire_time = read_time(*spec, "acquireTime");
  record.renew_time = read_time(*spec, "renewTime");
  record.lease_transitions =
      static_cast<int32_t>(json::get_int(*spec, "leaseTransitions").value_or(0));
  return record;
}

void write_lease_record(Object& lease, const LeaseRecord& record) {
  JsonValue& spec = json::ensure_object(lease.mutable_json(), "spec");
  if (record.holder_identity.empty()) {
    json::remove(spec, "holderIdentity");
  } else {
    json::set_string(spec, "holderIdentity", record.holder_identity);
  }
  json::set_int(spec, "leaseDurationSeconds", record.lease_duration_seconds);
  write_time(spec, "acquireTime", record.acquire_time);
  write_time(spec, "renewTime", record.renew_time);
  json::set_int(spec, "leaseTransitions", record.lease_transitions);
}

Object make_lease(std::string_view ns, std::string_view name, const LeaseRecord& record) {
  Object lease;
  lease.set_api_version("coordination.k8s.io/v1");
  lease.set_kind("Lease");
  lease.set_name(name);
  lease.set_namespace(ns);
  write_lease_record(lease, record);
  return lease;
}

}  // namespace kube
