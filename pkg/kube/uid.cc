#include "pkg/kube/uid.h"

#include <ostream>

namespace kube {
namespace {

// The positions of the dashes in 8-4-4-4-12.
constexpr bool is_dash_position(size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

int lowercase_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The bytes of a UUID in canonical lowercase text; false for anything else
// (upper case too: str() must give back the very text).
bool parse_uuid(std::string_view text, std::array<uint8_t, 16>& bytes) {
  if (text.size() != 36) return false;
  size_t byte = 0;
  for (size_t i = 0; i < text.size();) {
    if (is_dash_position(i)) {
      if (text[i] != '-') return false;
      ++i;
      continue;
    }
    const int high = lowercase_hex_digit(text[i]);
    const int low = lowercase_hex_digit(text[i + 1]);
    if (high < 0 || low < 0) return false;
    bytes[byte++] = static_cast<uint8_t>(high << 4 | low);
    i += 2;
  }
  return true;
}

}  // namespace

Uid::Uid(std::string_view text) {
  std::array<uint8_t, 16> bytes{};
  if (parse_uuid(text, bytes) && bytes != std::array<uint8_t, 16>{}) {
    bytes_ = bytes;
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
  if (!is_uuid()) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t byte = 0; byte < bytes_.size(); ++byte) {
    if (byte == 4 || byte == 6 || byte == 8 || byte == 10) out.push_back('-');
    out.push_back(kHex[bytes_[byte] >> 4]);
    out.push_back(kHex[bytes_[byte] & 0xf]);
  }
  return out;
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
