#include "tests/sim/kube/request_counters.h"

#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace sim::kube {

void RequestCounters::record(const std::string& verb, const std::string& resource, int code) {
  util::MutexLock lock(mu_);
  ++requests_[{verb, resource, code}];
}

void RequestCounters::record_write(const std::string& resource) {
  util::MutexLock lock(mu_);
  ++writes_[resource];
}

void RequestCounters::record_inflight_limit_rejection() {
  util::MutexLock lock(mu_);
  ++inflight_limit_rejections_;
}

int64_t RequestCounters::requests(std::string_view verb, std::string_view resource,
                                  int code) const {
  util::MutexLock lock(mu_);
  int64_t n = 0;
  for (const auto& [key, count] : requests_) {
    const auto& [v, r, c] = key;
    if ((verb.empty() || v == verb) && (resource.empty() || r == resource) &&
        (code == 0 || c == code)) {
      n += count;
    }
  }
  return n;
}

int64_t RequestCounters::writes(std::string_view resource) const {
  util::MutexLock lock(mu_);
  int64_t n = 0;
  for (const auto& [r, count] : writes_) {
    if (resource.empty() || r == resource) n += count;
  }
  return n;
}

int64_t RequestCounters::inflight_limit_rejections() const {
  util::MutexLock lock(mu_);
  return inflight_limit_rejections_;
}

std::string RequestCounters::to_json() const {
  util::MutexLock lock(mu_);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  int64_t total = 0;
  w.StartObject();
  w.Key("requests");
  w.StartArray();
  for (const auto& [key, count] : requests_) {
    const auto& [verb, resource, code] = key;
    w.StartObject();
    w.Key("verb");
    w.String(verb);
    w.Key("resource");
    w.String(resource);
    w.Key("code");
    w.Int(code);
    w.Key("count");
    w.Int64(count);
    w.EndObject();
    total += count;
  }
  w.EndArray();
  w.Key("writes");
  w.StartObject();
  int64_t writes = 0;
  for (const auto& [resource, count] : writes_) {
    w.Key(resource.c_str());
    w.Int64(count);
    writes += count;
  }
  w.EndObject();
  w.Key("total");
  w.Int64(total);
  w.Key("totalWrites");
  w.Int64(writes);
  w.Key("inflightLimitRejections");
  w.Int64(inflight_limit_rejections_);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void RequestCounters::reset() {
  util::MutexLock lock(mu_);
  requests_.clear();
  writes_.clear();
  inflight_limit_rejections_ = 0;
}

}  // namespace sim::kube
