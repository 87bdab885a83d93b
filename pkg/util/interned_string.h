// Immutable text that many objects repeat, kept once: equal texts share one
// reference-counted block in a process-wide table (Go's unique.Make, the
// interner of Prometheus's remote write). The informers' views use it for
// what thousands of them say alike — a condition's reason and message, the
// role ARN a role's status and its Secret both hold — where a std::string
// each costs 32 bytes in place and a heap block of its own.
//
// An InternedString is a pointer: copies share the block, comparing two is
// comparing pointers, and the block is freed with its last InternedString.
// Making one from text hashes it and takes the table's lock; reading one
// takes no lock.
// Not for secret material (util::SecretString is): any thread's lookup
// compares against every text in the table.
// Thread-safety: a value type; the table is safe to use from any thread.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>

namespace util {

class InternedString {
 public:
  InternedString() = default;  // the empty text (no block)
  // Implicit, as std::string's: views and plans are written with text.
  template <typename Text>
  requires(std::is_convertible_v<const Text&, std::string_view> &&
           !std::is_same_v<std::remove_cvref_t<Text>, InternedString>)
      InternedString(const Text& text)  // NOLINT(google-explicit-constructor)
      : entry_(intern(std::string_view(text))) {}

  InternedString(const InternedString& other) noexcept;
  InternedString& operator=(const InternedString& other) noexcept;
  InternedString(InternedString&& other) noexcept : entry_(other.entry_) { other.entry_ = nullptr; }
  InternedString& operator=(InternedString&& other) noexcept;
  ~InternedString() { release(entry_); }

  std::string_view view() const;
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
  std::string str() const { return std::string(view()); }
  bool empty() const { return entry_ == nullptr; }
  void clear() { *this = InternedString(); }

  // How many distinct texts the table holds now (all InternedStrings alive).
  static size_t distinct();

  // Equal texts are one block.
  friend bool operator==(const InternedString& a, const InternedString& b) {
    return a.entry_ == b.entry_;
  }
  // Against other text: compared as text, nothing interned.
  template <typename Text>
  requires(std::is_convertible_v<const Text&, std::string_view> &&
           !std::is_same_v<std::remove_cvref_t<Text>, InternedString>) friend bool
  operator==(const InternedString& a, const Text& b) {
    return a.view() == std::string_view(b);
  }
  friend std::ostream& operator<<(std::ostream& out, const InternedString& text);

 private:
  struct Entry;
  struct Table;
  static Table& table();
  static Entry* intern(std::string_view text);
  static void release(Entry* entry) noexcept;

  Entry* entry_ = nullptr;  // null for the empty text
};

}  // namespace util
