#include "pkg/util/go_duration.h"

#include <cstdint>
#include <utility>

#include "pkg/util/strings.h"

namespace util {
namespace {

util::Status invalid(std::string_view what, std::string_view text) {
  return util::invalid_argument_error(util::cat("time: ", what, " \"", text, "\""));
}

// Unit suffixes, longest first where one is a prefix of another.
constexpr std::pair<std::string_view, int64_t> kUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1'000},  // U+03BC Greek mu
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

util::StatusOr<absl::Duration> parse_go_duration(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return absl::ZeroDuration();
  if (s.empty()) return invalid("invalid duration", text);

  // Accumulate in long double nanoseconds: exact for every realistic flag value
  // and overflow is checked against Go's limit (~292 years) below.
  long double total_ns = 0;
  while (!s.empty()) {
    if (!is_digit(s[0]) && s[0] != '.') return invalid("invalid duration", text);
    size_t i = 0;
    long double value = 0;
    bool any_digit = false;
    while (i < s.size() && is_digit(s[i])) {
      value = value * 10 + (s[i] - '0');
      any_digit = true;
      ++i;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && is_digit(s[i])) {
        value += (s[i] - '0') * scale;
        scale /= 10;
        any_digit = true;
        ++i;
      }
    }
    if (!any_digit) return invalid("invalid duration", text);
    s.remove_prefix(i);

    size_t unit_len = 0;
    while (unit_len < s.size() && s[unit_len] != '.' && !is_digit(s[unit_len])) ++unit_len;
    if (unit_len == 0) return invalid("missing unit in duration", text);
    const std::string_view unit = s.substr(0, unit_len);
    int64_t unit_ns = 0;
    for (const auto& [name, ns] : kUnits) {
      if (unit == name) unit_ns = ns;
    }
    if (unit_ns == 0) {
      return util::invalid_argument_error(
          util::cat("time: unknown unit \"", unit, "\" in duration \"", text, "\""));
    }
    s.remove_prefix(unit_len);
    total_ns += value * unit_ns;
    if (total_ns > static_cast<long double>(INT64_MAX)) return invalid("invalid duration", text);
  }
  const absl::Duration d = absl::Nanoseconds(static_cast<int64_t>(total_ns + 0.5L));
  return negative ? -d : d;
}

std::string format_go_duration(absl::Duration d) {
  if (d == absl::ZeroDuration()) return "0s";
  std::string sign;
  if (d < absl::ZeroDuration()) {
    sign = "-";
    d = -d;
  }
  if (d < absl::Seconds(1)) {
    // Go picks the largest sub-second unit that keeps an integer part.
    if (d < absl::Microseconds(1)) return sign + absl::FormatDuration(d);  // "Nns"
    const int64_t ns = absl::ToInt64Nanoseconds(d);
    auto fraction = [&](int64_t unit, std::string_view suffix) {
      std::string out = util::cat(ns / unit);
      int64_t rest = ns % unit;
      if (rest != 0) {
        std::string digits = std::to_string(rest + unit).substr(1);  // zero-padded
        while (!digits.empty() && digits.back() == '0') digits.pop_back();
        out += util::cat(".", digits);
      }
      return util::cat(sign, out, suffix);
    };
    return d < absl::Milliseconds(1) ? fraction(1'000, "\xC2\xB5s") : fraction(1'000'000, "ms");
  }
  const int64_t total_ns = absl::ToInt64Nanoseconds(d);
  const int64_t hours = total_ns / 3'600'000'000'000;
  const int64_t minutes = (total_ns / 60'000'000'000) % 60;
  const int64_t sec_ns = total_ns % 60'000'000'000;
  std::string out = sign;
  if (hours > 0) out += util::cat(hours, "h");
  if (hours > 0 || minutes > 0) out += util::cat(minutes, "m");
  out += util::cat(sec_ns / 1'000'000'000);
  if (int64_t frac = sec_ns % 1'000'000'000; frac != 0) {
    std::string digits = std::to_string(frac + 1'000'000'000).substr(1);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += util::cat(".", digits);
  }
  out += util::cat("s");
  return out;
}

}  // namespace util
