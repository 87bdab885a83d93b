// A string holding secret material (secret keys, session tokens, bearer
// tokens). It streams as "<redacted>", util::cat() refuses it at compile time,
// and it is zeroed when destroyed, so neither a log line nor freed memory leaks it.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace util {

class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}
  SecretString(const SecretString&) = default;
  SecretString& operator=(const SecretString& other);
  SecretString(SecretString&& other) noexcept;
  SecretString& operator=(SecretString&& other) noexcept;
  ~SecretString();

  // The secret itself: only for the places that must send or write it.
  std::string_view reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend bool operator==(const SecretString& a, const SecretString& b) {
    return a.value_ == b.value_;
  }
  friend std::ostream& operator<<(std::ostream& os, const SecretString&) {
    return os << "<redacted>";
  }

 private:
  void wipe();
  std::string value_;
};

}  // namespace util
