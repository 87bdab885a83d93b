#include "pkg/util/rfc3339.h"

#include "pkg/util/strings.h"

namespace util {
namespace {

// Fraction digits of `t`'s second, trailing zeros removed, without the dot.
std::string fraction_digits(absl::Time t) {
  const absl::Duration sub = t - absl::FromUnixSeconds(absl::ToUnixSeconds(t));
  const int64_t ns =
      absl::ToInt64Nanoseconds(sub < absl::ZeroDuration() ? sub + absl::Seconds(1) : sub);
  if (ns == 0) return "";
  std::string digits = std::to_string(ns + 1'000'000'000).substr(1);
  while (digits.back() == '0')
    digits.pop_back();
  return digits;
}

}  // namespace

util::StatusOr<absl::Time> parse_rfc3339(std::string_view text) {
  // absl accepts forms RFC 3339 does not (missing seconds, "+0200"), so check
  // the shape first: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM).
  std::string upper(text);
  for (char& c : upper) {
    if (c == 't' || c == 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  auto digit = [&](size_t i) { return i < upper.size() && upper[i] >= '0' && upper[i] <= '9'; };
  auto at = [&](size_t i, char c) { return i < upper.size() && upper[i] == c; };
  bool shaped = digit(0) && digit(1) && digit(2) && digit(3) && at(4, '-') && digit(5) &&
                digit(6) && at(7, '-') && digit(8) && digit(9) && at(10, 'T') && digit(11) &&
                digit(12) && at(13, ':') && digit(14) && digit(15) && at(16, ':') && digit(17) &&
                digit(18);
  size_t i = 19;
  if (shaped && at(i, '.')) {
    ++i;
    shaped = digit(i);
    while (digit(i))
      ++i;
  }
  if (shaped) {
    if (at(i, 'Z')) {
      shaped = i + 1 == upper.size();
    } else {
      shaped = (at(i, '+') || at(i, '-')) && digit(i + 1) && digit(i + 2) && at(i + 3, ':') &&
               digit(i + 4) && digit(i + 5) && i + 6 == upper.size();
    }
  }
  absl::Time t;
  std::string err;
  if (!shaped || !absl::ParseTime(absl::RFC3339_full, upper, &t, &err)) {
    return util::invalid_argument_error(
        util::cat("invalid RFC 3339 timestamp \"", text, "\"", err.empty() ? "" : ": ", err));
  }
  return t;
}

std::string format_rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%SZ", absl::FromUnixSeconds(absl::ToUnixSeconds(t)),
                          absl::UTCTimeZone());
}

std::optional<absl::Time> parse_rfc3339_seconds(std::string_view text) {
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
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

std::string format_rfc3339_micro(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

std::string format_rfc3339_nano(absl::Time t) {
  const std::string digits = fraction_digits(t);
  const std::string base = absl::FormatTime("%Y-%m-%d%ET%H:%M:%S", t, absl::UTCTimeZone());
  return digits.empty() ? base + "Z" : util::cat(base, ".", digits, "Z");
}

std::string format_go_time(absl::Time t) {
  const std::string digits = fraction_digits(t);
  const std::string base = absl::FormatTime("%Y-%m-%d %H:%M:%S", t, absl::UTCTimeZone());
  return util::cat(base, digits.empty() ? "" : ".", digits, " +0000 UTC");
}

}  // namespace util
