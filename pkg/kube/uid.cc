#include "pkg/kube/uid.h"

#include <optional>
#include <ostream>

#include "pkg/util/strings.h"

namespace kube {
namespace {

using UuidBytes = std::array<uint8_t, 16>;

// The bytes of each dash-separated group of a UUID's text (8-4-4-4-12 digits).
constexpr std::array<size_t, 5> kGroupBytes = {4, 2, 2, 2, 6};

std::string uuid_text(const UuidBytes& bytes) {
  std::string out;
  size_t at = 0;
  for (const size_t size : kGroupBytes) {
    if (at > 0) out.push_back('-');
    out += util::to_hex(bytes.data() + at, size);
    at += size;
  }
  return out;
}

// The bytes of a UUID in canonical text, lower case (str() must give back
// the very text); nullopt for anything else.
std::optional<UuidBytes> uuid_bytes(std::string_view text) {
  if (text.size() != 36 || text.find_first_of("ABCDEF") != std::string_view::npos) {
    return std::nullopt;
  }
  UuidBytes bytes{};
  size_t at = 0;
  size_t i = 0;
  for (const size_t size : kGroupBytes) {
    if (at > 0 && text[i++] != '-') return std::nullopt;
    for (const size_t end = at + size; at < end; ++at, i += 2) {
      const int high = util::hex_digit_value(text[i]);
      const int low = util::hex_digit_value(text[i + 1]);
      if (high < 0 || low < 0) return std::nullopt;
      bytes[at] = static_cast<uint8_t>(high << 4 | low);
    }
  }
  return bytes;
}

}  // namespace

Uid::Uid(std::string_view text) {
  if (const std::optional<UuidBytes> bytes = uuid_bytes(text); bytes && *bytes != UuidBytes{}) {
    bytes_ = *bytes;
  } else if (!text.empty()) {
    text_ = std::make_unique<const std::string>(text);
  }
}

Uid::Uid(const Uid& other)
    : bytes_(other.bytes_),
      text_(other.text_ ? std::make_unique<const std::string>(*other.text_) : nullptr) {}

Uid& Uid::operator=(const Uid& other) {
  if (this != &other) *this = Uid(other);
  return *this;
}

std::string Uid::str() const {
  if (text_ != nullptr) return *text_;
  return is_uuid() ? uuid_text(bytes_) : "";
}

bool operator==(const Uid& a, const Uid& b) {
  if (a.text_ != nullptr || b.text_ != nullptr) {
    return a.text_ != nullptr && b.text_ != nullptr && *a.text_ == *b.text_;
  }
  return a.bytes_ == b.bytes_;
}

std::ostream& operator<<(std::ostream& out, const Uid& uid) {
  return out << uid.str();
}

}  // namespace kube
