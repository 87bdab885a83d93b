#include "pkg/kube/event_correlator.h"

#include <algorithm>
#include <cstdio>

#include "absl/hash/hash.h"
#include "pkg/util/strings.h"

namespace kube {

EventCorrelator::Digest EventCorrelator::digest(std::string_view key) {
  return absl::MakeUint128(absl::HashOf(key), absl::HashOf(key, size_t{1}));
}

template <typename V>
V* EventCorrelator::Lru<V>::find(Digest key) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);  // now most recent
  return &it->second->second;
}

template <typename V>
V& EventCorrelator::Lru<V>::insert(Digest key, V value) {
  erase(key);
  order_.emplace_front(key, std::move(value));
  index_.emplace(key, order_.begin());
  while (order_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
  return order_.front().second;
}

template <typename V>
void EventCorrelator::Lru<V>::erase(Digest key) {
  auto it = index_.find(key);
  if (it == index_.end()) return;
  order_.erase(it->second);
  index_.erase(it);
}

namespace {
std::string object_part(const Event& e) {
  const ObjectReference& r = e.involved;
  return util::cat(e.component, "\x1f", e.host, "\x1f", r.kind, "\x1f", r.namespace_name, "\x1f",
                   r.name, "\x1f", r.uid, "\x1f", r.api_version);
}
}  // namespace

std::string aggregation_key(const Event& event) {
  return util::cat(object_part(event), "\x1f", event_type_name(event.type), "\x1f", event.reason,
                   "\x1f", event.message);
}

std::string spam_key(const Event& event) {
  return object_part(event);
}

std::string EventCorrelator::next_name(const ObjectReference& involved, absl::Time now) {
  last_suffix_ = std::max(last_suffix_ + 1, absl::ToUnixNanos(now));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%llx", static_cast<unsigned long long>(last_suffix_));
  return util::cat(involved.name, ".", std::string_view(hex));
}

bool EventCorrelator::allow(const Event& occurrence, absl::Time now) {
  const Digest key = digest(spam_key(occurrence));
  Bucket* bucket = buckets_.find(key);
  if (bucket == nullptr) {
    bucket = &buckets_.insert(key, Bucket{static_cast<double>(options_.spam_burst), now});
  }
  if (now > bucket->last) {
    const double refill = absl::FDivDuration(now - bucket->last, options_.spam_refill);
    bucket->tokens = std::min<double>(options_.spam_burst, bucket->tokens + refill);
    bucket->last = now;
  }
  if (bucket->tokens < 1) return false;
  bucket->tokens -= 1;
  return true;
}

Correlation EventCorrelator::correlate(const Event& occurrence, absl::Time now) {
  Correlation result;
  result.event = occurrence;
  if (!allow(occurrence, now)) {
    result.action = Correlation::Action::kDrop;
    return result;
  }
  const Digest key = digest(aggregation_key(occurrence));
  Seen* seen = seen_.find(key);
  if (seen != nullptr && now - seen->last_timestamp <= options_.aggregation_window) {
    seen->count += 1;
    seen->last_timestamp = now;
    result.action = Correlation::Action::kPatch;
  } else {
    seen = &seen_.insert(key, Seen{next_name(occurrence.involved, now), 1, now, now});
    result.action = Correlation::Action::kCreate;
  }
  result.event.name = seen->name;
  result.event.count = seen->count;
  result.event.first_timestamp = seen->first_timestamp;
  result.event.last_timestamp = seen->last_timestamp;
  if (result.event.namespace_name.empty()) {
    result.event.namespace_name =
        occurrence.involved.namespace_name.empty() ? "default" : occurrence.involved.namespace_name;
  }
  return result;
}

void EventCorrelator::forget(const Event& event) {
  seen_.erase(digest(aggregation_key(event)));
}

}  // namespace kube
