#include "pkg/util/interned_string.h"

#include <atomic>
#include <cstring>
#include <new>
#include <ostream>

#include "absl/container/flat_hash_set.h"
#include "pkg/util/mutex.h"
#include "pkg/util/strings.h"

namespace util {

// One block: the count of InternedStrings that point here, then the text.
struct InternedString::Entry {
  std::atomic<uint32_t> references;
  uint32_t size;

  std::string_view text() const { return {reinterpret_cast<const char*>(this + 1), size}; }
};

// The table. An entry is added with its first reference and removed with its
// last, both under the lock: a count that reaches zero is only ever lowered
// under it, so no lookup can revive an entry being freed.
struct InternedString::Table {
  // Entries are found by their text.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return StringKeyHash{}(text); }
    size_t operator()(const Entry* entry) const { return StringKeyHash{}(entry->text()); }
  };
  struct Eq {
    using is_transparent = void;
    static std::string_view text_of(std::string_view text) { return text; }
    static std::string_view text_of(const Entry* entry) { return entry->text(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return text_of(a) == text_of(b);
    }
  };

  Mutex mu;
  absl::flat_hash_set<Entry*, Hash, Eq> entries ABSL_GUARDED_BY(mu);
};

InternedString::Table& InternedString::table() {
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): never destroyed, alive for static ones
  static Table* const kTable = new Table;
  return *kTable;
}

InternedString::Entry* InternedString::intern(std::string_view text) {
  if (text.empty()) return nullptr;
  Table& t = table();
  MutexLock lock(t.mu);
  auto it = t.entries.find(text);
  if (it != t.entries.end()) {
    (*it)->references.fetch_add(1, std::memory_order_relaxed);
    return *it;
  }
  auto* block = static_cast<char*>(::operator new(sizeof(Entry) + text.size()));
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): owned by the table, freed by release()
  auto* entry = new (block) Entry{.references{1}, .size = static_cast<uint32_t>(text.size())};
  std::memcpy(block + sizeof(Entry), text.data(), text.size());
  t.entries.insert(entry);
  return entry;
}

void InternedString::release(Entry* entry) noexcept {
  if (entry == nullptr) return;
  // Not the last reference: lowered without the lock.
  uint32_t references = entry->references.load(std::memory_order_relaxed);
  while (references > 1) {
    if (entry->references.compare_exchange_weak(references, references - 1,
                                                std::memory_order_acq_rel)) {
      return;
    }
  }
  // Perhaps the last: the table decides, under its lock (intern() may have
  // added one meanwhile).
  Table& t = table();
  MutexLock lock(t.mu);
  if (entry->references.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  t.entries.erase(entry);
  entry->~Entry();
  ::operator delete(entry);
}

InternedString::InternedString(const InternedString& other) noexcept : entry_(other.entry_) {
  if (entry_ != nullptr) entry_->references.fetch_add(1, std::memory_order_relaxed);
}

InternedString& InternedString::operator=(const InternedString& other) noexcept {
  InternedString copy(other);
  return *this = std::move(copy);
}

InternedString& InternedString::operator=(InternedString&& other) noexcept {
  if (this != &other) {
    release(entry_);
    entry_ = other.entry_;
    other.entry_ = nullptr;
  }
  return *this;
}

std::string_view InternedString::view() const {
  return entry_ == nullptr ? std::string_view() : entry_->text();
}

size_t InternedString::distinct() {
  Table& t = table();
  MutexLock lock(t.mu);
  return t.entries.size();
}

std::ostream& operator<<(std::ostream& out, const InternedString& text) {
  return out << text.view();
}

}  // namespace util
