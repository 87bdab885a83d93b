// Packs the objects of one cache into a few hundred bytes each: their compact
// JSON, deflated (zlib, raw) with the first packed object's JSON as preset
// dictionary. Objects of one kind repeat most of each other (member names,
// shape, common values), so most of each becomes a back-reference: a
// projected Secret of ~730 bytes of JSON packs to ~140 (its uids do not).
//
// The dictionary (the first object's JSON, at most its last 4 KiB) stays for
// the packer's life, after that object changed or was deleted: cache a
// projection without secret values (controller/domain/cache_projection.h) — the
// packer must never see what may not stay in memory.
// Thread-compatible: one call at a time (the Store calls it under its lock).
// Memory: two zlib streams of ~30 KiB together, the dictionary (at most 4 KiB:
// what a deflate window holds) and scratch buffers. Errors: kInternal when
// zlib fails (bytes this packer did not make).
#pragma once

#include <string>
#include <string_view>

#include "pkg/kube/object.h"
#include "pkg/util/status.h"

struct z_stream_s;

namespace kube {

class ObjectPacker {
 public:
  ObjectPacker();
  ~ObjectPacker();
  ObjectPacker(const ObjectPacker&) = delete;
  ObjectPacker& operator=(const ObjectPacker&) = delete;

  // The packed bytes of `object`; valid until the next call of pack().
  util::StatusOr<std::string_view> pack(const Object& object);
  // The object packed as `packed`.
  util::StatusOr<Object> unpack(std::string_view packed);

 private:
  z_stream_s* deflate_;
  z_stream_s* inflate_;
  std::string dictionary_;  // the first packed object's JSON
  std::string packed_;      // pack()'s result
  std::string json_;        // unpack()'s scratch
};

}  // namespace kube
