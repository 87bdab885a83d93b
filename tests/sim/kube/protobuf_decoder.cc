#include "tests/sim/kube/protobuf_decoder.h"

#include <cstdint>
#include <span>
#include <vector>

#include "pkg/util/base64.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

enum class Kind {
  kString,
  kBytes,  // base64 in JSON
  kInt,    // int32/int64 varint
  kBool,
  kTime,  // meta.v1.Time / MicroTime {seconds=1, nanos=2}
  kMessage,
  kMapString,  // map<string, string>
  kMapBytes,   // map<string, bytes>
  kRepeatedString,
  kRepeatedMessage,
};

struct Message;

struct Field {
  int number;
  const char* json;
  Kind kind;
  const Message* message = nullptr;
};

struct Message {
  std::span<const Field> fields;
};

// Field numbers from k8s.io/api and k8s.io/apimachinery generated.proto.
constexpr Field kOwnerReferenceFields[] = {
    {1, "kind", Kind::kString},     {3, "name", Kind::kString},
    {4, "uid", Kind::kString},      {5, "apiVersion", Kind::kString},
    {6, "controller", Kind::kBool}, {7, "blockOwnerDeletion", Kind::kBool}};
constexpr Message kOwnerReference{kOwnerReferenceFields};

constexpr Field kObjectMetaFields[] = {
    {1, "name", Kind::kString},
    {2, "generateName", Kind::kString},
    {3, "namespace", Kind::kString},
    {4, "selfLink", Kind::kString},
    {5, "uid", Kind::kString},
    {6, "resourceVersion", Kind::kString},
    {7, "generation", Kind::kInt},
    {8, "creationTimestamp", Kind::kTime},
    {9, "deletionTimestamp", Kind::kTime},
    {10, "deletionGracePeriodSeconds", Kind::kInt},
    {11, "labels", Kind::kMapString},
    {12, "annotations", Kind::kMapString},
    {13, "ownerReferences", Kind::kRepeatedMessage, &kOwnerReference},
    {14, "finalizers", Kind::kRepeatedString}};
constexpr Message kObjectMeta{kObjectMetaFields};

constexpr Field kObjectReferenceFields[] = {
    {1, "kind", Kind::kString},       {2, "namespace", Kind::kString},
    {3, "name", Kind::kString},       {4, "uid", Kind::kString},
    {5, "apiVersion", Kind::kString}, {6, "resourceVersion", Kind::kString},
    {7, "fieldPath", Kind::kString}};
constexpr Message kObjectReference{kObjectReferenceFields};

constexpr Field kLocalObjectReferenceFields[] = {{1, "name", Kind::kString}};
constexpr Message kLocalObjectReference{kLocalObjectReferenceFields};

constexpr Field kSecretFields[] = {{1, "metadata", Kind::kMessage, &kObjectMeta},
                                   {2, "data", Kind::kMapBytes},
                                   {3, "type", Kind::kString},
                                   {4, "stringData", Kind::kMapString},
                                   {5, "immutable", Kind::kBool}};
constexpr Message kSecret{kSecretFields};

constexpr Field kConfigMapFields[] = {{1, "metadata", Kind::kMessage, &kObjectMeta},
                                      {2, "data", Kind::kMapString},
                                      {3, "binaryData", Kind::kMapBytes},
                                      {4, "immutable", Kind::kBool}};
constexpr Message kConfigMap{kConfigMapFields};

constexpr Field kNamespaceSpecFields[] = {{1, "finalizers", Kind::kRepeatedString}};
constexpr Message kNamespaceSpec{kNamespaceSpecFields};

constexpr Field kNamespaceStatusFields[] = {{1, "phase", Kind::kString}};
constexpr Message kNamespaceStatus{kNamespaceStatusFields};

constexpr Field kNamespaceFields[] = {{1, "metadata", Kind::kMessage, &kObjectMeta},
                                      {2, "spec", Kind::kMessage, &kNamespaceSpec},
                                      {3, "status", Kind::kMessage, &kNamespaceStatus}};
constexpr Message kNamespace{kNamespaceFields};

constexpr Field kServiceAccountFields[] = {
    {1, "metadata", Kind::kMessage, &kObjectMeta},
    {2, "secrets", Kind::kRepeatedMessage, &kObjectReference},
    {3, "imagePullSecrets", Kind::kRepeatedMessage, &kLocalObjectReference},
    {4, "automountServiceAccountToken", Kind::kBool}};
constexpr Message kServiceAccount{kServiceAccountFields};

constexpr Field kEventSourceFields[] = {{1, "component", Kind::kString},
                                        {2, "host", Kind::kString}};
constexpr Message kEventSource{kEventSourceFields};

constexpr Field kEventSeriesFields[] = {{1, "count", Kind::kInt},
                                        {2, "lastObservedTime", Kind::kTime}};
constexpr Message kEventSeries{kEventSeriesFields};

constexpr Field kEventFields[] = {{1, "metadata", Kind::kMessage, &kObjectMeta},
                                  {2, "involvedObject", Kind::kMessage, &kObjectReference},
                                  {3, "reason", Kind::kString},
                                  {4, "message", Kind::kString},
                                  {5, "source", Kind::kMessage, &kEventSource},
                                  {6, "firstTimestamp", Kind::kTime},
                                  {7, "lastTimestamp", Kind::kTime},
                                  {8, "count", Kind::kInt},
                                  {9, "type", Kind::kString},
                                  {10, "eventTime", Kind::kTime},
                                  {11, "series", Kind::kMessage, &kEventSeries},
                                  {12, "action", Kind::kString},
                                  {13, "related", Kind::kMessage, &kObjectReference},
                                  {14, "reportingComponent", Kind::kString},
                                  {15, "reportingInstance", Kind::kString}};
constexpr Message kEvent{kEventFields};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  bool varint(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      auto c = static_cast<unsigned char>(data_[pos_++]);
      out |= static_cast<uint64_t>(c & 0x7F) << shift;
      if ((c & 0x80) == 0) return true;
    }
    return false;
  }
  bool bytes(std::string_view& out) {
    uint64_t n = 0;
    if (!varint(n) || n > data_.size() - pos_) return false;
    out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(int wire_type) {
    uint64_t v = 0;
    std::string_view s;
    switch (wire_type) {
      case 0:
        return varint(v);
      case 1:
        pos_ += 8;
        return pos_ <= data_.size();
      case 2:
        return bytes(s);
      case 5:
        pos_ += 4;
        return pos_ <= data_.size();
      default:
        return false;
    }
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

util::Status malformed() {
  return util::invalid_argument_error("failed to decode protobuf: malformed message");
}

util::StatusOr<std::pair<std::string, std::string>> map_entry(std::string_view entry) {
  Reader r(entry);
  std::pair<std::string, std::string> kv;
  while (!r.done()) {
    uint64_t key = 0;
    if (!r.varint(key)) return malformed();
    std::string_view v;
    if ((key & 7) != 2) {
      if (!r.skip(static_cast<int>(key & 7))) return malformed();
      continue;
    }
    if (!r.bytes(v)) return malformed();
    if ((key >> 3) == 1) kv.first = std::string(v);
    if ((key >> 3) == 2) kv.second = std::string(v);
  }
  return kv;
}

util::Status decode_message(std::string_view data, const Message& message, json::Value& out,
                            json::Allocator& alloc);

util::StatusOr<std::string> decode_time(std::string_view data) {
  Reader r(data);
  int64_t seconds = 0;
  int64_t nanos = 0;
  while (!r.done()) {
    uint64_t key = 0;
    uint64_t v = 0;
    if (!r.varint(key)) return malformed();
    if ((key & 7) != 0) {
      if (!r.skip(static_cast<int>(key & 7))) return malformed();
      continue;
    }
    if (!r.varint(v)) return malformed();
    if ((key >> 3) == 1) seconds = static_cast<int64_t>(v);
    if ((key >> 3) == 2) nanos = static_cast<int64_t>(v);
  }
  if (seconds == 0 && nanos == 0) return std::string();
  absl::Time t = absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
  return nanos == 0 ? util::format_rfc3339(t) : util::format_rfc3339_nano(t);
}

util::Status decode_field(Reader& r, int wire_type, const Field& f, json::Value& out,
                          json::Allocator& alloc) {
  if (f.kind == Kind::kInt || f.kind == Kind::kBool) {
    uint64_t v = 0;
    if (wire_type != 0 || !r.varint(v)) return malformed();
    if (f.kind == Kind::kBool) {
      json::set(out, f.json, json::Value(v != 0), alloc);
    } else if (v != 0) {
      json::set(out, f.json, json::Value(static_cast<int64_t>(v)), alloc);
    }
    return util::ok_status();
  }
  std::string_view bytes;
  if (wire_type != 2 || !r.bytes(bytes)) return malformed();
  switch (f.kind) {
    case Kind::kString:
      if (!bytes.empty()) json::set_string(out, f.json, bytes, alloc);
      break;
    case Kind::kBytes:
      json::set_string(out, f.json, util::base64_encode(bytes), alloc);
      break;
    case Kind::kTime: {
      ASSIGN_OR_RETURN(std::string text, decode_time(bytes));
      if (!text.empty()) json::set_string(out, f.json, text, alloc);
      break;
    }
    case Kind::kMessage: {
      json::Value child(rapidjson::kObjectType);
      RETURN_IF_ERROR(decode_message(bytes, *f.message, child, alloc));
      if (child.MemberCount() > 0) json::set(out, f.json, std::move(child), alloc);
      break;
    }
    case Kind::kMapString:
    case Kind::kMapBytes: {
      ASSIGN_OR_RETURN(auto kv, map_entry(bytes));
      json::Value& map = json::ensure_object(out, f.json, alloc);
      json::set_string(map, kv.first,
                       f.kind == Kind::kMapBytes ? util::base64_encode(kv.second) : kv.second,
                       alloc);
      break;
    }
    case Kind::kRepeatedString:
    case Kind::kRepeatedMessage: {
      json::Value* list = json::find(out, f.json);
      if (list == nullptr || !list->IsArray()) {
        json::set(out, f.json, json::Value(rapidjson::kArrayType), alloc);
        list = json::find(out, f.json);
      }
      if (f.kind == Kind::kRepeatedString) {
        list->PushBack(json::make_string(bytes, alloc), alloc);
      } else {
        json::Value child(rapidjson::kObjectType);
        RETURN_IF_ERROR(decode_message(bytes, *f.message, child, alloc));
        list->PushBack(child, alloc);
      }
      break;
    }
    default:
      break;
  }
  return util::ok_status();
}

util::Status decode_message(std::string_view data, const Message& message, json::Value& out,
                            json::Allocator& alloc) {
  Reader r(data);
  while (!r.done()) {
    uint64_t key = 0;
    if (!r.varint(key)) return malformed();
    int number = static_cast<int>(key >> 3);
    int wire_type = static_cast<int>(key & 7);
    const Field* field = nullptr;
    for (const Field& f : message.fields) {
      if (f.number == number) field = &f;
    }
    if (field == nullptr) {
      if (!r.skip(wire_type)) return malformed();
      continue;
    }
    RETURN_IF_ERROR(decode_field(r, wire_type, *field, out, alloc));
  }
  return util::ok_status();
}

}  // namespace

util::StatusOr<json::Document> decode_kubernetes_protobuf(std::string_view body) {
  constexpr std::string_view kMagic("k8s\0", 4);
  if (body.substr(0, 4) != kMagic) {
    return util::invalid_argument_error(
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
  }
  Reader r(body.substr(4));
  std::string api_version;
  std::string kind;
  std::string_view raw;
  while (!r.done()) {
    uint64_t key = 0;
    if (!r.varint(key)) return malformed();
    std::string_view bytes;
    if ((key & 7) != 2) {
      if (!r.skip(static_cast<int>(key & 7))) return malformed();
      continue;
    }
    if (!r.bytes(bytes)) return malformed();
    if ((key >> 3) == 1) {
      Reader tm(bytes);
      while (!tm.done()) {
        uint64_t k = 0;
        std::string_view v;
        if (!tm.varint(k) || (k & 7) != 2 || !tm.bytes(v)) return malformed();
        if ((k >> 3) == 1) api_version = std::string(v);
        if ((k >> 3) == 2) kind = std::string(v);
      }
    } else if ((key >> 3) == 2) {
      raw = bytes;
    }
  }
  const Message* message = nullptr;
  if (api_version == "v1" && kind == "Secret") message = &kSecret;
  if (api_version == "v1" && kind == "ConfigMap") message = &kConfigMap;
  if (api_version == "v1" && kind == "Namespace") message = &kNamespace;
  if (api_version == "v1" && kind == "ServiceAccount") message = &kServiceAccount;
  if (api_version == "v1" && kind == "Event") message = &kEvent;
  if (message == nullptr) {
    return util::unimplemented_error(
        util::cat("the simulator cannot decode protobuf for ", api_version, ", Kind=", kind));
  }
  json::Document doc;
  doc.SetObject();
  auto& alloc = doc.GetAllocator();
  json::set_string(doc, "kind", kind, alloc);
  json::set_string(doc, "apiVersion", api_version, alloc);
  RETURN_IF_ERROR(decode_message(raw, *message, doc, alloc));
  return doc;
}

}  // namespace sim::kube
