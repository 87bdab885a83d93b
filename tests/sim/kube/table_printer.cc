#include "tests/sim/kube/table_printer.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tests/sim/kube/json_path.h"

namespace sim::kube {
namespace {

constexpr std::string_view kMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// One cell: null, a string or an integer.
struct Cell {
  enum class Kind { kNull, kString, kInt, kNumber, kBool } kind = Kind::kNull;
  std::string text;
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  static Cell str(std::string s) {
    Cell c;
    c.kind = Kind::kString;
    c.text = std::move(s);
    return c;
  }
  static Cell num(int64_t i) {
    Cell c;
    c.kind = Kind::kInt;
    c.integer = i;
    return c;
  }
};

std::string since(const json::Value& obj, std::initializer_list<std::string_view> path,
                  absl::Time now) {
  std::string ts = json::get_string_path(obj, path);
  if (ts.empty()) return "<unknown>";
  auto t = util::parse_rfc3339(ts);
  if (!t.ok()) return "<invalid>";
  return human_duration(now - *t);
}

int64_t member_count(const json::Value& obj, std::string_view key) {
  const json::Value* v = json::find(obj, key);
  if (v == nullptr) return 0;
  if (v->IsObject()) return v->MemberCount();
  if (v->IsArray()) return v->Size();
  return 0;
}

int64_t int_at(const json::Value& obj, std::initializer_list<std::string_view> path) {
  const json::Value* v = json::find_path(obj, path);
  return v != nullptr && v->IsInt64() ? v->GetInt64() : 0;
}

std::string label_selector_text(const json::Value* selector) {
  if (selector == nullptr || !selector->IsObject()) return "<none>";
  std::vector<std::string> parts;
  if (const json::Value* m = json::find(*selector, "matchLabels"); m && m->IsObject()) {
    for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
      parts.push_back(util::cat(it->name.GetString(), "=", column_text(it->value)));
    }
  }
  if (const json::Value* e = json::find(*selector, "matchExpressions"); e && e->IsArray()) {
    for (const json::Value& x : e->GetArray()) {
      std::string op = util::to_lower(json::get_string(x, "operator"));
      std::vector<std::string> values;
      if (const json::Value* vs = json::find(x, "values"); vs && vs->IsArray()) {
        for (const json::Value& v : vs->GetArray())
          values.push_back(column_text(v));
      }
      std::string key = json::get_string(x, "key");
      if (op == "exists") {
        parts.push_back(key);
      } else if (op == "doesnotexist") {
        parts.push_back(util::cat("!", key));
      } else {
        parts.push_back(util::cat(key, " ", op, " (", util::join(values, ","), ")"));
      }
    }
  }
  return parts.empty() ? "<none>" : util::join(parts, ",");
}

std::string join_field(const json::Value* array, std::string_view field) {
  std::vector<std::string> out;
  if (array != nullptr && array->IsArray()) {
    for (const json::Value& e : array->GetArray())
      out.push_back(json::get_string(e, field));
  }
  return util::join(out, ",");
}

std::string binding_subjects(const json::Value& obj, std::string_view kind) {
  std::vector<std::string> out;
  if (const json::Value* s = json::find(obj, "subjects"); s && s->IsArray()) {
    for (const json::Value& e : s->GetArray()) {
      if (json::get_string(e, "kind") != kind) continue;
      std::string ns = json::get_string(e, "namespace");
      std::string name = json::get_string(e, "name");
      out.push_back(kind == "ServiceAccount" ? util::cat(ns, ":", name) : name);
    }
  }
  return util::join(out, ", ");
}

std::vector<Cell> builtin_cells(const ResourceType& type, const json::Value& obj, absl::Time now) {
  std::string name = json::get_string_path(obj, {"metadata", "name"});
  std::string age = since(obj, {"metadata", "creationTimestamp"}, now);
  const std::string& k = type.kind;
  if (k == "Namespace")
    return {Cell::str(name), Cell::str(json::get_string_path(obj, {"status", "phase"})),
            Cell::str(age)};
  if (k == "Secret") {
    return {Cell::str(name), Cell::str(json::get_string(obj, "type")),
            Cell::num(member_count(obj, "data")), Cell::str(age)};
  }
  if (k == "ConfigMap") {
    return {Cell::str(name), Cell::num(member_count(obj, "data") + member_count(obj, "binaryData")),
            Cell::str(age)};
  }
  if (k == "ServiceAccount")
    return {Cell::str(name), Cell::num(member_count(obj, "secrets")), Cell::str(age)};
  if (k == "Lease")
    return {Cell::str(name), Cell::str(json::get_string_path(obj, {"spec", "holderIdentity"})),
            Cell::str(age)};
  if (k == "Deployment") {
    int64_t replicas = int_at(obj, {"spec", "replicas"});
    const json::Value* containers =
        json::find_path(obj, {"spec", "template", "spec", "containers"});
    return {Cell::str(name),
            Cell::str(util::cat(int_at(obj, {"status", "readyReplicas"}), "/", replicas)),
            Cell::num(int_at(obj, {"status", "updatedReplicas"})),
            Cell::num(int_at(obj, {"status", "availableReplicas"})),
            Cell::str(age),
            Cell::str(join_field(containers, "name")),
            Cell::str(join_field(containers, "image")),
            Cell::str(label_selector_text(json::find_path(obj, {"spec", "selector"})))};
  }
  if (k == "ClusterRoleBinding" || k == "RoleBinding") {
    return {Cell::str(name),
            Cell::str(util::cat(json::get_string_path(obj, {"roleRef", "kind"}), "/",
                                json::get_string_path(obj, {"roleRef", "name"}))),
            Cell::str(age),
            Cell::str(binding_subjects(obj, "User")),
            Cell::str(binding_subjects(obj, "Group")),
            Cell::str(binding_subjects(obj, "ServiceAccount"))};
  }
  if (k == "Event") {
    std::string first = since(obj, {"firstTimestamp"}, now);
    if (json::get_string(obj, "firstTimestamp").empty()) first = since(obj, {"eventTime"}, now);
    std::string last =
        json::get_string(obj, "lastTimestamp").empty() ? first : since(obj, {"lastTimestamp"}, now);
    int64_t count = int_at(obj, {"count"});
    if (const json::Value* series = json::find(obj, "series"); series && series->IsObject()) {
      last = since(*series, {"lastObservedTime"}, now);
      count = int_at(*series, {"count"});
    } else if (count == 0) {
      count = 1;
    }
    std::string involved_name = json::get_string_path(obj, {"involvedObject", "name"});
    std::string target = util::to_lower(json::get_string_path(obj, {"involvedObject", "kind"}));
    if (!involved_name.empty()) target = util::cat(target, "/", involved_name);
    std::string source = json::get_string_path(obj, {"source", "component"});
    if (source.empty()) source = json::get_string(obj, "reportingComponent");
    std::string host = json::get_string_path(obj, {"source", "host"});
    if (host.empty()) host = json::get_string(obj, "reportingInstance");
    if (!host.empty()) source = util::cat(source, ", ", host);
    std::string message(util::trim(json::get_string(obj, "message")));
    return {Cell::str(last),
            Cell::str(json::get_string(obj, "type")),
            Cell::str(json::get_string(obj, "reason")),
            Cell::str(target),
            Cell::str(json::get_string_path(obj, {"involvedObject", "fieldPath"})),
            Cell::str(source),
            Cell::str(message),
            Cell::str(first),
            Cell::num(count),
            Cell::str(name)};
  }
  // Default table convertor: Name, Created At.
  std::string created = json::get_string_path(obj, {"metadata", "creationTimestamp"});
  if (auto t = util::parse_rfc3339(created); t.ok()) created = util::format_rfc3339(*t);
  return {Cell::str(name), Cell::str(created)};
}

Cell custom_cell(const PrinterColumn& column, const json::Value& obj, absl::Time now) {
  auto path = JsonPath::parse(column.json_path);
  if (!path.ok()) return {};
  std::vector<const json::Value*> results = path->evaluate(obj);
  if (results.empty() || results[0]->IsNull()) return {};
  const json::Value& v = *results[0];
  if (column.type == "string") return Cell::str(column_text(v));
  if (column.type == "integer" && v.IsNumber()) {
    return Cell::num(v.IsInt64() ? v.GetInt64() : static_cast<int64_t>(v.GetDouble()));
  }
  if (column.type == "number" && v.IsNumber()) {
    Cell c;
    c.kind = Cell::Kind::kNumber;
    c.number = v.GetDouble();
    return c;
  }
  if (column.type == "boolean" && v.IsBool()) {
    Cell c;
    c.kind = Cell::Kind::kBool;
    c.boolean = v.GetBool();
    return c;
  }
  if (column.type == "date" && v.IsString()) {
    auto t = util::parse_rfc3339(v.GetString());
    return Cell::str(t.ok() ? human_duration(now - *t) : "<invalid>");
  }
  return {};
}

void write_cell(Writer& w, const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::kNull:
      w.Null();
      break;
    case Cell::Kind::kString:
      w.String(c.text);
      break;
    case Cell::Kind::kInt:
      w.Int64(c.integer);
      break;
    case Cell::Kind::kNumber:
      w.Double(c.number);
      break;
    case Cell::Kind::kBool:
      w.Bool(c.boolean);
      break;
  }
}

}  // namespace

std::string human_duration(absl::Duration d) {
  int64_t seconds = absl::ToInt64Seconds(d);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < int64_t{60} * 2) return util::cat(seconds, "s");
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return s == 0 ? util::cat(minutes, "m") : util::cat(minutes, "m", s, "s");
  }
  if (minutes < int64_t{60} * 3) return util::cat(minutes, "m");
  int64_t hours = seconds / 3600;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? util::cat(hours, "h") : util::cat(hours, "h", m, "m");
  }
  if (hours < 48) return util::cat(hours, "h");
  if (hours < int64_t{24} * 8) {
    int64_t h = hours % 24;
    return h == 0 ? util::cat(hours / 24, "d") : util::cat(hours / 24, "d", h, "h");
  }
  if (hours < int64_t{24} * 365 * 2) return util::cat(hours / 24, "d");
  if (hours < int64_t{24} * 365 * 8) {
    int64_t dy = (hours / 24) % 365;
    return dy == 0 ? util::cat(hours / 24 / 365, "y") : util::cat(hours / 24 / 365, "y", dy, "d");
  }
  return util::cat(hours / 24 / 365, "y");
}

std::string TablePrinter::describe(std::string_view definition, std::string_view property) const {
  const json::Value* def = library_.definition(definition);
  if (def == nullptr) return "";
  return json::get_string_path(*def, {"properties", property, "description"});
}

std::vector<PrinterColumn> TablePrinter::columns(const ResourceType& type) const {
  std::string name_desc = describe(kMeta, "name");
  std::string age_desc = describe(kMeta, "creationTimestamp");
  PrinterColumn name_col{"Name", "string", "name", name_desc, "", 0};
  auto col = [](std::string n, std::string d, int priority = 0, std::string kind = "string") {
    return PrinterColumn{std::move(n), std::move(kind), "", std::move(d), "", priority};
  };
  PrinterColumn age = col("Age", age_desc);
  if (type.is_custom()) {
    std::vector<PrinterColumn> out = {name_col};
    if (type.custom->printer_columns.empty()) {
      out.push_back(col("Age", age_desc, 0, "date"));
    } else {
      for (const PrinterColumn& c : type.custom->printer_columns)
        out.push_back(c);
    }
    return out;
  }
  const std::string& def = type.definition;
  const std::string& k = type.kind;
  if (k == "Namespace")
    return {name_col, col("Status", describe("io.k8s.api.core.v1.NamespaceStatus", "phase")), age};
  if (k == "Secret")
    return {name_col, col("Type", describe(def, "type")), col("Data", describe(def, "data")), age};
  if (k == "ConfigMap") return {name_col, col("Data", describe(def, "data")), age};
  if (k == "ServiceAccount") return {name_col, col("Secrets", describe(def, "secrets")), age};
  if (k == "Lease")
    return {name_col,
            col("Holder", describe("io.k8s.api.coordination.v1.LeaseSpec", "holderIdentity")), age};
  if (k == "Deployment") {
    std::string status = "io.k8s.api.apps.v1.DeploymentStatus";
    return {name_col,
            col("Ready", "Number of the pod with ready state"),
            col("Up-to-date", describe(status, "updatedReplicas")),
            col("Available", describe(status, "availableReplicas")),
            age,
            col("Containers", "Names of each container in the template.", 1),
            col("Images", "Images referenced by each container in the template.", 1),
            col("Selector", describe("io.k8s.api.apps.v1.DeploymentSpec", "selector"), 1)};
  }
  if (k == "ClusterRoleBinding" || k == "RoleBinding") {
    return {name_col,
            col("Role", describe(def, "roleRef")),
            age,
            col("Users", "Users in the roleBinding", 1),
            col("Groups", "Groups in the roleBinding", 1),
            col("ServiceAccounts", "ServiceAccounts in the roleBinding", 1)};
  }
  if (k == "Event") {
    std::string ev = "io.k8s.api.core.v1.Event";
    PrinterColumn name_last = name_col;
    name_last.priority = 1;
    return {col("Last Seen", ""),
            col("Type", describe(ev, "type")),
            col("Reason", describe(ev, "reason")),
            col("Object", describe(ev, "involvedObject")),
            col("Subobject", describe("io.k8s.api.core.v1.ObjectReference", "fieldPath"), 1),
            col("Source", describe(ev, "source"), 1),
            col("Message", describe(ev, "message")),
            col("First Seen", describe(ev, "firstTimestamp"), 1),
            col("Count", describe(ev, "count"), 1),
            name_last};
  }
  return {name_col, col("Created At", age_desc, 0, "date")};
}

std::string TablePrinter::print(const ResourceType& type,
                                const std::vector<const json::Value*>& objects, absl::Time now,
                                const TableOptions& options) const {
  std::vector<PrinterColumn> cols = columns(type);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("Table");
  w.Key("apiVersion");
  w.String("meta.k8s.io/v1");
  w.Key("metadata");
  w.StartObject();
  if (!options.resource_version.empty()) {
    w.Key("resourceVersion");
    w.String(options.resource_version);
  }
  if (!options.continue_token.empty()) {
    w.Key("continue");
    w.String(options.continue_token);
  }
  if (options.remaining_item_count.has_value()) {
    w.Key("remainingItemCount");
    w.Int64(*options.remaining_item_count);
  }
  w.EndObject();
  if (!options.no_headers) {
    w.Key("columnDefinitions");
    w.StartArray();
    for (const PrinterColumn& c : cols) {
      w.StartObject();
      w.Key("name");
      w.String(c.name);
      w.Key("type");
      w.String(c.type);
      w.Key("format");
      w.String(c.format);
      w.Key("description");
      w.String(c.description);
      w.Key("priority");
      w.Int(c.priority);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("rows");
  w.StartArray();
  for (const json::Value* obj : objects) {
    w.StartObject();
    w.Key("cells");
    w.StartArray();
    if (type.is_custom()) {
      w.String(json::get_string_path(*obj, {"metadata", "name"}));
      for (size_t i = 1; i < cols.size(); ++i) {
        PrinterColumn c = cols[i];
        if (c.json_path.empty()) c.json_path = ".metadata.creationTimestamp";
        write_cell(w, custom_cell(c, *obj, now));
      }
    } else {
      for (const Cell& c : builtin_cells(type, *obj, now))
        write_cell(w, c);
    }
    w.EndArray();
    if (options.include_object != IncludeObject::kNone) {
      w.Key("object");
      if (options.include_object == IncludeObject::kObject) {
        obj->Accept(w);
      } else {
        w.StartObject();
        w.Key("kind");
        w.String("PartialObjectMetadata");
        w.Key("apiVersion");
        w.String("meta.k8s.io/v1");
        w.Key("metadata");
        if (const json::Value* meta = json::find(*obj, "metadata")) {
          meta->Accept(w);
        } else {
          w.StartObject();
          w.EndObject();
        }
        w.EndObject();
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace sim::kube
