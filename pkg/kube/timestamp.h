// A metav1.Time as an object's JSON holds it, kept small for the informers'
// views: the form the apiserver and this controller write,
// "2026-12-07T20:07:00Z", is kept as its Unix seconds (8 B, where a
// std::string takes 32 B and a 32-byte heap block; two per role:
// status.expiration and the Ready condition's lastTransitionTime). Any other
// text (fractional seconds, an offset, something unreadable) is kept as it
// is: str() always gives back exactly the text it was made from.
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace kube {

class Timestamp {
 public:
  Timestamp() = default;
  // Implicit: a timestamp is read from text and compared with text.
  Timestamp(std::string_view text);  // NOLINT(google-explicit-constructor)
  Timestamp(const char* text)        // NOLINT(google-explicit-constructor)
      : Timestamp(std::string_view(text)) {}
  Timestamp(const std::string& text)  // NOLINT(google-explicit-constructor)
      : Timestamp(std::string_view(text)) {}
  // `t` in whole seconds, as util::format_rfc3339 writes it.
  static Timestamp at(absl::Time t);

  Timestamp(const Timestamp& other);
  Timestamp& operator=(const Timestamp& other);
  Timestamp(Timestamp&&) noexcept = default;
  Timestamp& operator=(Timestamp&&) noexcept = default;
  ~Timestamp() = default;

  bool empty() const { return !in_seconds() && text_ == nullptr; }
  std::string str() const;
  // The time it says; nullopt when it is empty or not RFC 3339.
  std::optional<absl::Time> time() const;

  // Text compares through the implicit constructor.
  friend bool operator==(const Timestamp& a, const Timestamp& b);
  friend std::ostream& operator<<(std::ostream& out, const Timestamp& timestamp);

 private:
  static constexpr int64_t kNotSeconds = std::numeric_limits<int64_t>::min();
  bool in_seconds() const { return seconds_ != kNotSeconds; }

  int64_t seconds_ = kNotSeconds;            // Unix seconds, when in the canonical form
  std::unique_ptr<const std::string> text_;  // the text otherwise (null when empty)
};

}  // namespace kube
