// Small string helpers over std::string_view (Debian's abseil string
// utilities take absl::string_view, which std::string_view does not convert to).
#pragma once

#include <charconv>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace util {

namespace internal {
inline void append_piece(std::string& out, std::string_view piece) {
  out.append(piece);
}
inline void append_piece(std::string& out, const char* s) {
  out.append(s);
}
template <typename T>
requires std::is_same_v<T, char>
void append_piece(std::string& out, T c) {
  out.push_back(c);
}
template <typename T>
requires std::is_same_v<T, bool>
void append_piece(std::string& out, T b) {
  out.append(b ? "true" : "false");
}
template <typename T>
requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool> &&
         !std::is_same_v<T, char>) void append_piece(std::string& out, T value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, end);
}
}  // namespace internal

// Concatenates strings, string_views, chars and numbers: cat("retry in ", 3, "s").
template <typename... Args>
std::string cat(const Args&... args) {
  std::string out;
  (internal::append_piece(out, args), ...);
  return out;
}

// Splits on every `sep`; keeps empty pieces ("a,,b" -> {"a", "", "b"}).
std::vector<std::string_view> split(std::string_view text, char sep);
std::string join(const std::vector<std::string>& pieces, std::string_view sep);
std::string_view trim(std::string_view text);  // ASCII whitespace
std::string to_lower(std::string_view text);   // ASCII only
// Lower-case hex of `size` bytes (digests, signatures, fingerprints).
std::string to_hex(const unsigned char* data, size_t size);
// The value of hex digit `c` (either case), or -1.
int hex_digit_value(char c);
bool equals_ignore_case(std::string_view a, std::string_view b);

// The hash of a string-keyed hash table that is looked up by string_view
// without making a string (with std::equal_to<>). Debian's abseil hashes only
// its own string_view, so its tables need this one too.
struct StringKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

}  // namespace util
