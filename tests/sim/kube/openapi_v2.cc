#include "tests/sim/kube/openapi_v2.h"

#include <cstring>
#include <vector>

#include "pkg/util/strings.h"
#include "tests/sim/kube/catalog.h"

namespace sim::kube {
namespace {

// A minimal protobuf writer: fields appended in order.
class ProtoWriter {
 public:
  void varint_field(int field, uint64_t v) {
    tag(field, 0);
    varint(v);
  }
  void bool_field(int field, bool v) {
    if (v) varint_field(field, 1);
  }
  void double_field(int field, double v) {
    tag(field, 1);
    char buf[8];
    std::memcpy(buf, &v, 8);
    out_.append(buf, 8);
  }
  void string_field(int field, std::string_view s) {
    if (s.empty()) return;
    bytes_field(field, s);
  }
  void bytes_field(int field, std::string_view s) {
    tag(field, 2);
    varint(s.size());
    out_.append(s);
  }
  void message_field(int field, const ProtoWriter& m) { bytes_field(field, m.out_); }
  const std::string& data() const { return out_; }

 private:
  void tag(int field, int wire) {
    varint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire));
  }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  std::string out_;
};

// NamedAny{name, Any{yaml}} for x-* extensions (JSON is valid YAML).
void vendor_extensions(const json::Value& v, int field, ProtoWriter& w) {
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (key.substr(0, 2) != "x-") continue;
    ProtoWriter any;
    any.string_field(2, json::to_string(it->value));
    ProtoWriter named;
    named.string_field(1, key);
    named.message_field(2, any);
    w.message_field(field, named);
  }
}

ProtoWriter any_of(const json::Value& v) {
  ProtoWriter any;
  any.string_field(2, json::to_string(v));
  return any;
}

ProtoWriter schema(const json::Value& s) {
  ProtoWriter w;
  if (!s.IsObject()) return w;
  w.string_field(1, json::get_string(s, "$ref"));
  w.string_field(2, json::get_string(s, "format"));
  w.string_field(3, json::get_string(s, "title"));
  w.string_field(4, json::get_string(s, "description"));
  if (const json::Value* d = json::find(s, "default")) w.message_field(5, any_of(*d));
  if (const json::Value* v = json::find(s, "maximum"); v && v->IsNumber())
    w.double_field(7, v->GetDouble());
  if (const json::Value* v = json::find(s, "minimum"); v && v->IsNumber())
    w.double_field(9, v->GetDouble());
  if (const json::Value* v = json::find(s, "maxLength"); v && v->IsInt64())
    w.varint_field(11, static_cast<uint64_t>(v->GetInt64()));
  if (const json::Value* v = json::find(s, "minLength"); v && v->IsInt64())
    w.varint_field(12, static_cast<uint64_t>(v->GetInt64()));
  w.string_field(13, json::get_string(s, "pattern"));
  if (const json::Value* v = json::find(s, "uniqueItems"); v && v->IsBool())
    w.bool_field(16, v->GetBool());
  if (const json::Value* req = json::find(s, "required"); req && req->IsArray()) {
    for (const json::Value& r : req->GetArray()) {
      if (r.IsString()) w.bytes_field(19, std::string_view(r.GetString(), r.GetStringLength()));
    }
  }
  if (const json::Value* en = json::find(s, "enum"); en && en->IsArray()) {
    for (const json::Value& e : en->GetArray())
      w.message_field(20, any_of(e));
  }
  if (const json::Value* add = json::find(s, "additionalProperties")) {
    ProtoWriter item;
    if (add->IsBool()) {
      item.varint_field(2, add->GetBool() ? 1 : 0);
    } else {
      item.message_field(1, schema(*add));
    }
    w.message_field(21, item);
  }
  if (const json::Value* type = json::find(s, "type"); type && type->IsString()) {
    ProtoWriter t;
    t.bytes_field(1, std::string_view(type->GetString(), type->GetStringLength()));
    w.message_field(22, t);
  }
  if (const json::Value* items = json::find(s, "items"); items && items->IsObject()) {
    ProtoWriter t;
    t.message_field(1, schema(*items));
    w.message_field(23, t);
  }
  if (const json::Value* all = json::find(s, "allOf"); all && all->IsArray()) {
    for (const json::Value& a : all->GetArray())
      w.message_field(24, schema(a));
  }
  if (const json::Value* props = json::find(s, "properties"); props && props->IsObject()) {
    ProtoWriter p;
    for (auto it = props->MemberBegin(); it != props->MemberEnd(); ++it) {
      ProtoWriter named;
      named.string_field(1, std::string_view(it->name.GetString(), it->name.GetStringLength()));
      named.message_field(2, schema(it->value));
      p.message_field(1, named);
    }
    w.message_field(25, p);
  }
  vendor_extensions(s, 31, w);
  return w;
}

// openapi.v2.Parameter (body or non-body).
ProtoWriter parameter(const json::Value& p) {
  ProtoWriter param;
  std::string in = json::get_string(p, "in");
  const json::Value* required = json::find(p, "required");
  bool req = required != nullptr && required->IsBool() && required->GetBool();
  const json::Value* unique = json::find(p, "uniqueItems");
  bool uniq = unique != nullptr && unique->IsBool() && unique->GetBool();
  if (in == "body") {
    ProtoWriter body;
    body.string_field(1, json::get_string(p, "description"));
    body.string_field(2, json::get_string(p, "name"));
    body.string_field(3, in);
    body.bool_field(4, req);
    if (const json::Value* s = json::find(p, "schema")) body.message_field(5, schema(*s));
    param.message_field(1, body);
  } else {
    ProtoWriter sub;
    sub.bool_field(1, req);
    sub.string_field(2, in);
    sub.string_field(3, json::get_string(p, "description"));
    sub.string_field(4, json::get_string(p, "name"));
    int field = 3;  // query
    if (in == "query") {
      sub.string_field(6, json::get_string(p, "type"));
      sub.bool_field(20, uniq);
    } else {
      field = in == "path" ? 4 : 1;  // path / header
      sub.string_field(5, json::get_string(p, "type"));
      sub.bool_field(19, uniq);
    }
    ProtoWriter non_body;
    non_body.message_field(field, sub);
    param.message_field(2, non_body);
  }
  return param;
}

// openapi.v2.ParametersItem: a Parameter or a JsonReference.
ProtoWriter parameter_item(const json::Value& p) {
  ProtoWriter item;
  if (std::string ref = json::get_string(p, "$ref"); !ref.empty()) {
    ProtoWriter r;
    r.string_field(1, ref);
    item.message_field(2, r);
  } else {
    item.message_field(1, parameter(p));
  }
  return item;
}

ProtoWriter operation(const json::Value& op) {
  ProtoWriter w;
  if (const json::Value* tags = json::find(op, "tags"); tags && tags->IsArray()) {
    for (const json::Value& t : tags->GetArray())
      w.bytes_field(1, t.GetString());
  }
  w.string_field(3, json::get_string(op, "description"));
  w.string_field(5, json::get_string(op, "operationId"));
  for (auto [key, field] :
       {std::pair<const char*, int>{"produces", 6}, {"consumes", 7}, {"schemes", 10}}) {
    if (const json::Value* list = json::find(op, key); list && list->IsArray()) {
      for (const json::Value& v : list->GetArray())
        w.bytes_field(field, v.GetString());
    }
  }
  if (const json::Value* params = json::find(op, "parameters"); params && params->IsArray()) {
    for (const json::Value& p : params->GetArray())
      w.message_field(8, parameter_item(p));
  }
  if (const json::Value* responses = json::find(op, "responses");
      responses && responses->IsObject()) {
    ProtoWriter rs;
    for (auto it = responses->MemberBegin(); it != responses->MemberEnd(); ++it) {
      ProtoWriter response;
      response.string_field(1, json::get_string(it->value, "description"));
      if (const json::Value* s = json::find(it->value, "schema")) {
        ProtoWriter item;
        item.message_field(1, schema(*s));
        response.message_field(2, item);
      }
      ProtoWriter value;
      value.message_field(1, response);
      ProtoWriter named;
      named.string_field(1, std::string_view(it->name.GetString(), it->name.GetStringLength()));
      named.message_field(2, value);
      rs.message_field(1, named);
    }
    w.message_field(9, rs);
  }
  vendor_extensions(op, 13, w);
  return w;
}

}  // namespace

std::string encode_openapi_v2_protobuf(const json::Value& swagger) {
  ProtoWriter doc;
  doc.string_field(1, json::get_string(swagger, "swagger"));
  if (const json::Value* info = json::find(swagger, "info")) {
    ProtoWriter i;
    i.string_field(1, json::get_string(*info, "title"));
    i.string_field(2, json::get_string(*info, "version"));
    doc.message_field(2, i);
  }
  if (const json::Value* paths = json::find(swagger, "paths"); paths && paths->IsObject()) {
    ProtoWriter ps;
    for (auto it = paths->MemberBegin(); it != paths->MemberEnd(); ++it) {
      ProtoWriter item;
      for (auto [method, field] : {std::pair<const char*, int>{"get", 2},
                                   {"put", 3},
                                   {"post", 4},
                                   {"delete", 5},
                                   {"options", 6},
                                   {"head", 7},
                                   {"patch", 8}}) {
        if (const json::Value* op = json::find(it->value, method))
          item.message_field(field, operation(*op));
      }
      if (const json::Value* params = json::find(it->value, "parameters");
          params && params->IsArray()) {
        for (const json::Value& p : params->GetArray())
          item.message_field(9, parameter_item(p));
      }
      ProtoWriter named;
      named.string_field(1, std::string_view(it->name.GetString(), it->name.GetStringLength()));
      named.message_field(2, item);
      ps.message_field(2, named);
    }
    doc.message_field(8, ps);
  }
  if (const json::Value* defs = json::find(swagger, "definitions"); defs && defs->IsObject()) {
    ProtoWriter ds;
    for (auto it = defs->MemberBegin(); it != defs->MemberEnd(); ++it) {
      ProtoWriter named;
      named.string_field(1, std::string_view(it->name.GetString(), it->name.GetStringLength()));
      named.message_field(2, schema(it->value));
      ds.message_field(1, named);
    }
    doc.message_field(9, ds);
  }
  if (const json::Value* params = json::find(swagger, "parameters"); params && params->IsObject()) {
    ProtoWriter ps;
    for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
      ProtoWriter named;
      named.string_field(1, std::string_view(it->name.GetString(), it->name.GetStringLength()));
      named.message_field(2, parameter(it->value));
      ps.message_field(1, named);
    }
    doc.message_field(10, ps);
  }
  return doc.data();
}

const std::string& OpenApiV2::json_document() {
  util::MutexLock lock(mu_);
  if (json_.empty()) build_locked();
  return json_;
}

const std::string& OpenApiV2::protobuf_document() {
  util::MutexLock lock(mu_);
  if (protobuf_.empty()) build_locked();
  return protobuf_;
}

void OpenApiV2::build_locked() {
  json::Document doc;
  doc.CopyFrom(library_.document(), doc.GetAllocator());
  // Keep the paths of served resources only (as the v3 documents do).
  Catalog builtins(builtin_resource_types());
  json::Value* paths = json::find(doc, "paths");
  if (paths != nullptr && paths->IsObject()) {
    for (rapidjson::SizeType i = paths->MemberCount(); i-- > 0;) {
      std::string_view path((paths->MemberBegin() + i)->name.GetString());
      bool keep = false;
      for (const ResourceType& t : builtins.types()) {
        std::string prefix = util::cat("/", t.group_version_path(), "/");
        if (path.substr(0, prefix.size()) != prefix) continue;
        std::string_view rest = path.substr(prefix.size());
        if (rest.substr(0, 6) == "watch/") break;
        if (rest.substr(0, 23) == "namespaces/{namespace}/") rest.remove_prefix(23);
        std::string_view resource = rest.substr(0, rest.find('/'));
        if (resource == t.resource) keep = true;
      }
      if (!keep) paths->EraseMember(paths->MemberBegin() + i);
    }
  }
  json_ = json::to_string(doc);
  protobuf_ = encode_openapi_v2_protobuf(doc);
}

}  // namespace sim::kube
