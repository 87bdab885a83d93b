#include "pkg/kube/object_packer.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "pkg/util/strings.h"

namespace kube {
namespace {

// Raw deflate (no zlib header or checksum: the bytes never leave the process)
// with a 4 KiB window, which holds the dictionary and a typical object, and a
// small hash table: ~30 KiB per stream instead of zlib's default 256 KiB.
constexpr int kWindowBits = -12;
// deflate looks back at most a window: more dictionary than that is unused.
constexpr size_t kMaxDictionary = size_t{1} << 12;
constexpr int kMemLevel = 3;
// Each packed object starts with its JSON's length (4 bytes, little endian),
// so unpack() knows the size to inflate to.
constexpr size_t kLengthBytes = 4;

util::Status zlib_error(std::string_view what, int code) {
  return util::internal_error(util::cat("object packer: ", what, " failed (zlib ", code, ")"));
}

const Bytef* bytes(std::string_view text) {
  return reinterpret_cast<const Bytef*>(text.data());
}

}  // namespace

ObjectPacker::ObjectPacker() : deflate_(new z_stream()), inflate_(new z_stream()) {
  // Only out of memory can fail these; the first pack()/unpack() then reports it.
  deflateInit2(deflate_, Z_BEST_SPEED, Z_DEFLATED, kWindowBits, kMemLevel, Z_DEFAULT_STRATEGY);
  inflateInit2(inflate_, kWindowBits);
}

ObjectPacker::~ObjectPacker() {
  deflateEnd(deflate_);
  inflateEnd(inflate_);
  delete deflate_;
  delete inflate_;
}

util::StatusOr<std::string_view> ObjectPacker::pack(const Object& object) {
  const std::string json = object.to_json();
  if (dictionary_.empty()) {
    dictionary_ = json.substr(json.size() - std::min(json.size(), kMaxDictionary));
  }
  if (int rc = deflateReset(deflate_); rc != Z_OK) return zlib_error("deflateReset", rc);
  if (int rc =
          deflateSetDictionary(deflate_, bytes(dictionary_), static_cast<uInt>(dictionary_.size()));
      rc != Z_OK) {
    return zlib_error("deflateSetDictionary", rc);
  }
  packed_.resize(kLengthBytes + deflateBound(deflate_, json.size()));
  const auto length = static_cast<uint32_t>(json.size());
  for (size_t i = 0; i < kLengthBytes; ++i)
    packed_[i] = static_cast<char>((length >> (8 * i)) & 0xff);
  deflate_->next_in = const_cast<Bytef*>(bytes(json));  // zlib's API is not const-correct
  deflate_->avail_in = static_cast<uInt>(json.size());
  deflate_->next_out = reinterpret_cast<Bytef*>(packed_.data() + kLengthBytes);
  deflate_->avail_out = static_cast<uInt>(packed_.size() - kLengthBytes);
  if (int rc = deflate(deflate_, Z_FINISH); rc != Z_STREAM_END) return zlib_error("deflate", rc);
  packed_.resize(packed_.size() - deflate_->avail_out);
  return std::string_view(packed_);
}

util::StatusOr<Object> ObjectPacker::unpack(std::string_view packed) {
  if (packed.size() < kLengthBytes || dictionary_.empty())
    return zlib_error("unpack", Z_DATA_ERROR);
  uint32_t length = 0;
  for (size_t i = 0; i < kLengthBytes; ++i)
    length |= static_cast<uint32_t>(static_cast<unsigned char>(packed[i])) << (8 * i);
  if (int rc = inflateReset(inflate_); rc != Z_OK) return zlib_error("inflateReset", rc);
  if (int rc =
          inflateSetDictionary(inflate_, bytes(dictionary_), static_cast<uInt>(dictionary_.size()));
      rc != Z_OK) {
    return zlib_error("inflateSetDictionary", rc);
  }
  json_.resize(length);
  packed.remove_prefix(kLengthBytes);
  inflate_->next_in = const_cast<Bytef*>(bytes(packed));
  inflate_->avail_in = static_cast<uInt>(packed.size());
  inflate_->next_out = reinterpret_cast<Bytef*>(json_.data());
  inflate_->avail_out = length;
  if (int rc = inflate(inflate_, Z_FINISH); rc != Z_STREAM_END || inflate_->avail_out != 0) {
    return zlib_error("inflate", rc);
  }
  return Object::parse(json_);
}

}  // namespace kube
