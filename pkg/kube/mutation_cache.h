// Read-your-writes over an informer's cache (client-go's MutationCache): an
// object this process wrote is served instead of the cached one until the
// cache has caught up with it (an equal or newer resourceVersion), so a
// worker never decides twice on a state it has already changed — and the
// watch echo of its own write can be told apart from somebody else's change.
//
// Record what the server answered to the write (after any projection the
// informer applies, so both hold the same fields). Entries go when the cache
// catches up (get() or caught_up()) or are dropped with forget() (call it
// when the informer reports a deletion). With `include_adds` (client-go's
// option of that name) a created object is served before the cache has it;
// without, only objects the cache holds are overlaid, so a deletion the
// informer has seen can never be undone by an old write.
//
// Thread-safety: thread-safe. Ownership: borrows the Store, which must
// outlive it. resourceVersions are compared as integers, as client-go does
// (kube-apiserver's are etcd revisions); an unparsable one counts as caught up.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "pkg/kube/object.h"
#include "pkg/kube/store.h"
#include "pkg/util/mutex.h"

namespace kube {

class MutationCache {
 public:
  MutationCache(const Store& cache, bool include_adds)
      : cache_(cache), include_adds_(include_adds) {}
  MutationCache(const MutationCache&) = delete;
  MutationCache& operator=(const MutationCache&) = delete;

  // The newer of the cached object and the last write recorded for `key`
  // (nullptr when neither exists).
  ObjectPtr get(std::string_view key);
  // After a successful create/update/patch: `written` is the server's answer.
  // Not kept when the cache already holds it or a newer state.
  void record(ObjectPtr written);
  // The object's state is no longer known (deleted, or a write failed with a
  // conflict): serve the cache again.
  void forget(std::string_view key);
  // For informer handlers, with the object the cache now holds: drops a
  // recorded write the cache has caught up with, and says whether `observed`
  // is exactly that write (the echo of this process's own change).
  bool caught_up(const Object& observed);

  size_t size() const;  // writes the cache has not caught up with yet

 private:
  const Store& cache_;
  const bool include_adds_;
  mutable util::Mutex mu_;
  std::map<std::string, ObjectPtr, std::less<>> written_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube
