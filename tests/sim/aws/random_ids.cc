#include "tests/sim/aws/random_ids.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace sim::aws {
namespace {

std::vector<unsigned char> random_bytes(size_t n) {
  std::vector<unsigned char> bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) {
    // OpenSSL's CSPRNG failing means the process cannot produce credentials at all.
    std::fputs("aws-sim: RAND_bytes failed\n", stderr);
    std::abort();
  }
  return bytes;
}

std::string random_from_alphabet(std::string_view alphabet, size_t n) {
  // Alphabets here have 32 or 64 symbols, so `byte % size` is unbiased.
  const std::vector<unsigned char> bytes = random_bytes(n);
  std::string out;
  out.reserve(n);
  for (unsigned char b : bytes)
    out.push_back(alphabet[b % alphabet.size()]);
  return out;
}

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

std::string new_access_key_id(std::string_view prefix) {
  return std::string(prefix) + random_from_alphabet(kBase32, 16);
}

util::SecretString new_secret_access_key() {
  return util::SecretString(random_from_alphabet(kBase64, 40));
}

util::SecretString new_session_token() {
  // STS tokens start with a version marker ("IQoJb3JpZ2luX2Vj..."); ours start
  // with a recognisable one so a leaked token in a log is easy to spot.
  return util::SecretString("SIMSTSv1/" + random_from_alphabet(kBase64, 403));
}

std::string new_request_id() {
  std::vector<unsigned char> b = random_bytes(16);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return std::string(out, 36);
}

util::SecretString new_imds_token() {
  return util::SecretString(random_from_alphabet(kBase64Url, 56));
}

}  // namespace sim::aws
