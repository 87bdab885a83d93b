#include "tests/sim/aws/admin_api.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace sim::aws {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

SimResponse json_response(int status, std::string body) {
  SimResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

SimResponse json_error(int status, std::string_view message) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return json_response(status, buf.GetString());
}

void write_string(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_call(Writer& w, const CallRecord& c) {
  w.StartObject();
  write_string(w, "time", util::format_rfc3339_nano(c.time));
  write_string(w, "service", c.service);
  write_string(w, "action", c.action);
  write_string(w, "caller_arn", c.caller_arn);
  write_string(w, "caller_access_key_id", c.caller_access_key_id);
  write_string(w, "role_arn", c.role_arn);
  write_string(w, "session_name", c.session_name);
  w.Key("duration_seconds");
  if (c.duration_seconds) {
    w.Int64(*c.duration_seconds);
  } else {
    w.Null();
  }
  w.Key("external_id");
  if (c.external_id) {
    w.String(c.external_id->c_str(), static_cast<rapidjson::SizeType>(c.external_id->size()));
  } else {
    w.Null();
  }
  w.Key("tags");
  w.StartObject();
  for (const auto& [key, value] : c.tags)
    write_string(w, key, value);
  w.EndObject();
  write_string(w, "source_identity", c.source_identity);
  write_string(w, "result", c.result);
  w.Key("http_status");
  w.Int(c.http_status);
  write_string(w, "issued_access_key_id", c.issued_access_key_id);
  write_string(w, "request_id", c.request_id);
  w.EndObject();
}

// The members of a JSON object as (name, value) pairs. (Iterating rapidjson's
// member ranges directly trips clang's C++20 -Wambiguous-reversed-operator.)
std::vector<std::pair<std::string_view, const rapidjson::Value*>> members_of(
    const rapidjson::Value& object) {
  std::vector<std::pair<std::string_view, const rapidjson::Value*>> out;
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) {
    const auto& member = *(object.MemberBegin() + i);
    out.emplace_back(std::string_view(member.name.GetString(), member.name.GetStringLength()),
                     &member.value);
  }
  return out;
}

}  // namespace

std::string calls_to_json(const CallLog& calls) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("total");
  w.Int64(calls.total());
  w.Key("dropped");
  w.Int64(calls.dropped());
  w.Key("counters");
  w.StartObject();
  for (const auto& [action, results] : calls.counters()) {
    w.Key(action.c_str(), static_cast<rapidjson::SizeType>(action.size()));
    w.StartObject();
    for (const auto& [result, count] : results) {
      w.Key(result.c_str(), static_cast<rapidjson::SizeType>(result.size()));
      w.Int64(count);
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("calls");
  w.StartArray();
  for (const CallRecord& c : calls.calls())
    write_call(w, c);
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string faults_to_json(const FaultInjector::State& s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("latency_ms");
  w.Int64(absl::ToInt64Milliseconds(s.latency));
  w.Key("throttle_next");
  w.Int(s.throttle_next);
  w.Key("outage");
  w.Int(s.outage_status);
  w.Key("role_errors");
  w.StartObject();
  for (const auto& [pattern, code] : s.role_errors)
    write_string(w, pattern, code);
  w.EndObject();
  w.Key("disabled_regions");
  w.StartArray();
  for (const std::string& r : s.disabled_regions)
    w.String(r.c_str());
  w.EndArray();
  w.Key("imds_unavailable");
  w.Bool(s.imds_unavailable);
  w.Key("container_unavailable");
  w.Bool(s.container_unavailable);
  w.EndObject();
  return buf.GetString();
}

std::string cost_model_to_json(const StsCostModel& model) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("latency_median_ms");
  w.Double(absl::ToDoubleMilliseconds(model.latency.median));
  w.Key("latency_p99_ms");
  w.Double(absl::ToDoubleMilliseconds(model.latency.p99));
  w.Key("account_rps");
  w.Double(model.account_rps);
  w.Key("account_burst");
  w.Double(model.account_burst);
  w.EndObject();
  return buf.GetString();
}

bool AdminApi::serves(const SimRequest& request) {
  return request.raw_path.rfind("/_sim/", 0) == 0;
}

SimResponse AdminApi::handle(const SimRequest& request) {
  const std::string& path = request.raw_path;
  const std::string& method = request.method;
  if (path == "/_sim/health" && method == "GET") return json_response(200, "\"ok\"");
  if (path == "/_sim/calls" && method == "GET") return json_response(200, calls_to_json(calls_));
  if (path == "/_sim/calls" && method == "DELETE") {
    calls_.clear();
    return json_response(200, "{}");
  }
  if (path == "/_sim/faults" && method == "GET") {
    return json_response(200, faults_to_json(faults_.state()));
  }
  if (path == "/_sim/faults" && method == "POST") return post_faults(request);
  if (path == "/_sim/cost-model" && method == "GET") {
    return json_response(200, cost_model_to_json(sts_costs_.model()));
  }
  if (path == "/_sim/cost-model" && method == "POST") return post_cost_model(request);
  return json_error(404, util::cat("no such simulator endpoint: ", method, " ", path));
}

SimResponse AdminApi::post_faults(const SimRequest& request) {
  rapidjson::Document doc;
  doc.Parse(request.body.c_str(), request.body.size());
  if (doc.HasParseError() || !doc.IsObject()) return json_error(400, "body must be a JSON object");
  // Check every field before changing anything, so a bad request changes nothing.
  for (const auto& [key, value] : members_of(doc)) {
    const rapidjson::Value& v = *value;
    const bool ok =
        ((key == "reset" || key == "imds_unavailable" || key == "container_unavailable") &&
         v.IsBool()) ||
        ((key == "latency_ms" || key == "throttle_next") && v.IsInt() && v.GetInt() >= 0) ||
        (key == "outage" && v.IsInt() &&
         (v.GetInt() == 0 || v.GetInt() == 500 || v.GetInt() == 503)) ||
        (key == "role_errors" && v.IsObject()) || (key == "disabled_regions" && v.IsArray());
    if (!ok) return json_error(400, util::cat("bad or unknown field '", key, "'"));
    if (key == "role_errors") {
      for (const auto& [pattern, code] : members_of(v)) {
        if (!code->IsString()) return json_error(400, "role_errors values must be strings");
      }
    }
    if (key == "disabled_regions") {
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        if (!v[i].IsString()) return json_error(400, "disabled_regions must be strings");
      }
    }
  }
  if (doc.HasMember("reset") && doc["reset"].GetBool()) faults_.reset();
  if (doc.HasMember("latency_ms"))
    faults_.set_latency(absl::Milliseconds(doc["latency_ms"].GetInt()));
  if (doc.HasMember("throttle_next")) faults_.throttle_next(doc["throttle_next"].GetInt());
  if (doc.HasMember("outage")) faults_.set_outage(doc["outage"].GetInt());
  if (doc.HasMember("role_errors")) {
    for (const auto& [pattern, code] : members_of(doc["role_errors"])) {
      faults_.set_role_error(std::string(pattern), code->GetString());
    }
  }
  if (doc.HasMember("disabled_regions")) {
    FaultInjector::State state = faults_.state();
    for (const std::string& r : state.disabled_regions)
      faults_.set_region_disabled(r, false);
    const rapidjson::Value& regions = doc["disabled_regions"];
    for (rapidjson::SizeType i = 0; i < regions.Size(); ++i) {
      faults_.set_region_disabled(regions[i].GetString(), true);
    }
  }
  if (doc.HasMember("imds_unavailable")) {
    faults_.set_imds_unavailable(doc["imds_unavailable"].GetBool());
  }
  if (doc.HasMember("container_unavailable")) {
    faults_.set_container_unavailable(doc["container_unavailable"].GetBool());
  }
  return json_response(200, faults_to_json(faults_.state()));
}

SimResponse AdminApi::post_cost_model(const SimRequest& request) {
  rapidjson::Document doc;
  doc.Parse(request.body.c_str(), request.body.size());
  if (doc.HasParseError() || !doc.IsObject()) return json_error(400, "body must be a JSON object");
  StsCostModel model = sts_costs_.model();
  if (doc.HasMember("preset")) {
    const rapidjson::Value& preset = doc["preset"];
    const std::string_view name = preset.IsString() ? preset.GetString() : "";
    if (name == "measured") {
      model = StsCostModel::measured();
    } else if (name == "none") {
      model = StsCostModel{};
    } else {
      return json_error(400, "preset must be \"measured\" or \"none\"");
    }
  }
  for (const auto& [key, value] : members_of(doc)) {
    if (key == "preset") continue;
    if (!value->IsNumber() || value->GetDouble() < 0) {
      return json_error(400, util::cat("bad or unknown field '", key, "'"));
    }
    const double number = value->GetDouble();
    if (key == "latency_median_ms") {
      model.latency.median = absl::Milliseconds(number);
    } else if (key == "latency_p99_ms") {
      model.latency.p99 = absl::Milliseconds(number);
    } else if (key == "account_rps") {
      model.account_rps = number;
    } else if (key == "account_burst") {
      model.account_burst = number;
    } else {
      return json_error(400, util::cat("bad or unknown field '", key, "'"));
    }
  }
  sts_costs_.set_model(model);
  return json_response(200, cost_model_to_json(model));
}

}  // namespace sim::aws
