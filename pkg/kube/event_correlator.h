// Decides what to do with each event occurrence, as a value (client-go's
// EventCorrelator): create a new Event, patch the count/lastTimestamp of the
// Event already written for the same (involved object, type, reason, message,
// component) within the aggregation window, or drop it because the object is
// spamming (per-object token bucket: burst 25, one more every 5 minutes, as
// client-go). The recorder does the I/O.
//
// Thread-compatible: one thread (the recorder's writer) calls it. Time: `now`
// is passed in (wall clock), so tests state times exactly. Memory: remembers
// at most `max_entries` keys of each kind (least recently used evicted).
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/time/time.h"
#include "pkg/kube/event.h"

namespace kube {

struct CorrelatorOptions {
  absl::Duration aggregation_window = absl::Minutes(10);
  int spam_burst = 25;
  absl::Duration spam_refill = absl::Minutes(5);  // one token per period
  size_t max_entries = 4096;                      // client-go's LRU size
};

struct Correlation {
  enum class Action { kCreate, kPatch, kDrop };
  Action action = Action::kDrop;
  // kCreate: the whole new event (name, count 1, timestamps). kPatch: the
  // event as it should now read (the existing name, count + 1, lastTimestamp).
  Event event;
};

class EventCorrelator {
 public:
  explicit EventCorrelator(CorrelatorOptions options = {}) : options_(options) {}

  // `occurrence` needs involved, type, reason, message and component; name,
  // count and timestamps are ignored and decided here.
  Correlation correlate(const Event& occurrence, absl::Time now);
  // The write of `event` failed: the next identical occurrence creates anew.
  void forget(const Event& event);

  // The name a new event for `involved` gets at `now`: "<name>.<hex nanos>",
  // strictly increasing per correlator so names never collide.
  std::string next_name(const ObjectReference& involved, absl::Time now);

 private:
  struct Seen {
    std::string name;
    int32_t count = 0;
    absl::Time first_timestamp;
    absl::Time last_timestamp;
  };
  struct Bucket {
    double tokens = 0;
    absl::Time last;
  };
  // What an LRU remembers of a key: its digest, two 64-bit hashes of the
  // key's text (absl::Hash, seeded anew in each process, so no one can craft
  // two keys that collide). An aggregation key is ~400 B of text (the
  // message included) and 4,096 of them ~2.5 MB with their spam keys; a
  // false match needs a 128-bit collision among at most 4,096 entries.
  using Digest = absl::uint128;
  static Digest digest(std::string_view key);

  template <typename V>
  class Lru {
   public:
    explicit Lru(size_t capacity) : capacity_(capacity) {}
    V* find(Digest key);
    V& insert(Digest key, V value);
    void erase(Digest key);

   private:
    using Entry = std::pair<Digest, V>;
    size_t capacity_;
    std::list<Entry> order_;  // most recent first
    absl::flat_hash_map<Digest, typename std::list<Entry>::iterator> index_;
  };

  bool allow(const Event& occurrence, absl::Time now);

  const CorrelatorOptions options_;
  Lru<Seen> seen_{options_.max_entries};
  Lru<Bucket> buckets_{options_.max_entries};
  int64_t last_suffix_ = 0;
};

// Key of identical events: component, involved object (kind, namespace, name,
// uid, apiVersion), type, reason and message.
std::string aggregation_key(const Event& event);
// Key of the spam filter: component and involved object.
std::string spam_key(const Event& event);

}  // namespace kube
