// An object's metadata.uid, kept small for the informers' views: the
// apiserver's UIDs are UUIDs in canonical lowercase text (36 characters),
// kept here as their 16 bytes where a std::string takes 32 bytes and a
// 48-byte heap block (three UIDs per role at 10,000 roles: ~1.7 MB). Any
// other text (an empty UID, a test's "uid-1") is kept as it is: str() always
// gives back exactly the text it was made from.
// Thread-safety: a value type.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

namespace kube {

class Uid {
 public:
  Uid() = default;
  // Implicit: a UID is read from text and compared with text.
  Uid(std::string_view text);                             // NOLINT(google-explicit-constructor)
  Uid(const char* text) : Uid(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)
  Uid(const std::string& text)
      : Uid(std::string_view(text)) {}  // NOLINT(google-explicit-constructor)

  Uid(const Uid& other);
  Uid& operator=(const Uid& other);
  Uid(Uid&&) noexcept = default;
  Uid& operator=(Uid&&) noexcept = default;
  ~Uid() = default;

  bool empty() const { return !is_uuid() && text_ == nullptr; }
  std::string str() const;

  // Text compares through the implicit constructor.
  friend bool operator==(const Uid& a, const Uid& b);
  friend std::ostream& operator<<(std::ostream& out, const Uid& uid);

 private:
  // A UUID's bytes; all zero when the UID is not a UUID (the nil UUID, whose
  // bytes would read as "not a UUID", is kept as text).
  bool is_uuid() const { return bytes_ != std::array<uint8_t, 16>{}; }

  std::array<uint8_t, 16> bytes_{};
  std::unique_ptr<const std::string> text_;  // the text when it is not a UUID
};

}  // namespace kube
