#include "pkg/kube/timestamp.h"

#include <ostream>

#include "pkg/util/rfc3339.h"

namespace kube {
namespace {

// The Unix seconds of `text` when it is exactly what util::format_rfc3339
// writes, "YYYY-MM-DDTHH:MM:SSZ" with every field in range; nullopt
// otherwise. Read by hand: absl's parser and formatter, which would say the
// same, cost microseconds per view on a relist of thousands.
std::optional<int64_t> canonical_seconds(std::string_view text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  bool digits = true;
  auto number = [&](size_t at, size_t size) {
    int value = 0;
    for (const char c : text.substr(at, size)) {
      digits = digits && c >= '0' && c <= '9';
      value = value * 10 + (c - '0');
    }
    return value;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  const int hour = number(11, 2);
  const int minute = number(14, 2);
  const int second = number(17, 2);
  if (!digits) return std::nullopt;
  // A CivilSecond normalises fields out of range (February 30th is March 2nd,
  // second 60 the next minute): such text is not what the formatter writes.
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.year() != year || civil.month() != month || civil.day() != day ||
      civil.hour() != hour || civil.minute() != minute || civil.second() != second) {
    return std::nullopt;
  }
  return absl::ToUnixSeconds(absl::FromCivil(civil, absl::UTCTimeZone()));
}

}  // namespace

Timestamp::Timestamp(std::string_view text) {
  if (text.empty()) return;
  if (const std::optional<int64_t> seconds = canonical_seconds(text)) {
    seconds_ = *seconds;
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
