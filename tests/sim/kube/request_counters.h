// Counters of the requests the simulator answered, by verb, resource and
// HTTP code, of successful writes (create/update/patch/delete that were
// not dry runs) per resource, so tests can assert e.g. "a restarted
// controller made 0 writes", and of the 429s the latency model's mutating
// in-flight limit answered. Read in-process or at GET /_sim/counters.
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "pkg/util/mutex.h"

namespace sim::kube {

class RequestCounters {
 public:
  // `resource` "" for non-resource paths (discovery, openapi).
  void record(const std::string& verb, const std::string& resource, int code);
  void record_write(const std::string& resource);
  // A request refused by LatencyModel::max_mutating_inflight (also record()ed as a 429).
  void record_inflight_limit_rejection();

  // Totals; "" / 0 match anything.
  int64_t requests(std::string_view verb = "", std::string_view resource = "", int code = 0) const;
  int64_t writes(std::string_view resource = "") const;
  int64_t inflight_limit_rejections() const;
  // {"requests":[{"verb":..,"resource":..,"code":..,"count":..}],"writes":{..},"total":N,
  //  "totalWrites":N,"inflightLimitRejections":N}
  std::string to_json() const;
  void reset();

 private:
  mutable util::Mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t, std::less<>> writes_ ABSL_GUARDED_BY(mu_);
  int64_t inflight_limit_rejections_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sim::kube
