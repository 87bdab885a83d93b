#include "pkg/kube/timestamp.h"

#include <ostream>

#include "pkg/util/rfc3339.h"

namespace kube {

Timestamp::Timestamp(std::string_view text) {
  if (text.empty()) return;
  if (const std::optional<absl::Time> t = util::parse_rfc3339_seconds(text)) {
    seconds_ = absl::ToUnixSeconds(*t);
    return;
  }
  text_ = std::make_unique<const std::string>(text);
}

Timestamp Timestamp::at(absl::Time t) {
  Timestamp out;
  out.seconds_ = absl::ToUnixSeconds(t);
  return out;
}

Timestamp::Timestamp(const Timestamp& other)
    : seconds_(other.seconds_),
      text_(other.text_ ? std::make_unique<const std::string>(*other.text_) : nullptr) {}

Timestamp& Timestamp::operator=(const Timestamp& other) {
  if (this != &other) *this = Timestamp(other);
  return *this;
}

std::string Timestamp::str() const {
  if (in_seconds()) return util::format_rfc3339(absl::FromUnixSeconds(seconds_));
  return text_ ? *text_ : std::string();
}

std::optional<absl::Time> Timestamp::time() const {
  if (in_seconds()) return absl::FromUnixSeconds(seconds_);
  if (text_ == nullptr) return std::nullopt;
  auto t = util::parse_rfc3339(*text_);
  if (!t.ok()) return std::nullopt;
  return *t;
}

bool operator==(const Timestamp& a, const Timestamp& b) {
  if (a.seconds_ != b.seconds_) return false;
  if (a.text_ == nullptr || b.text_ == nullptr) return a.text_ == b.text_;
  return *a.text_ == *b.text_;
}

std::ostream& operator<<(std::ostream& out, const Timestamp& timestamp) {
  return out << timestamp.str();
}

}  // namespace kube
