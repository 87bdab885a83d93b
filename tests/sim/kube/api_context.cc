#include "tests/sim/kube/api_context.h"

#include <cstdio>

namespace sim::kube {

std::string UidGenerator::uuid() {
  uint64_t hi = 0;
  uint64_t lo = 0;
  {
    util::MutexLock lock(mu_);
    hi = absl::Uniform<uint64_t>(gen_);
    lo = absl::Uniform<uint64_t>(gen_);
  }
  hi = (hi & ~0xF000ULL) | 0x4000ULL;              // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string UidGenerator::name_suffix() {
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  util::MutexLock lock(mu_);
  for (int i = 0; i < 5; ++i)
    out += kAlphabet[absl::Uniform<size_t>(gen_, 0, kAlphabet.size())];
  return out;
}

}  // namespace sim::kube
