// Fuzzes what a namespace owner writes: the two role-policy annotations of a
// Namespace (input: allowed-roles, '\n', permitted, '\n', then the role's
// name or path under each of two accounts). Compiling and matching must never
// crash or take long, a role of another account must never be allowed by a
// pattern that does not spell out that account, and the glob matcher must
// agree with RE2 on the same pattern.
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "controller/domain/namespace_policy.h"
#include "pkg/util/glob.h"

namespace {

constexpr std::string_view kOtherAccountPrefix = "arn:aws:iam::210987654321:";

// The glob as an RE2 pattern: each '*' is ".*", everything else literal.
std::string glob_as_regex(std::string_view glob) {
  std::string regex;
  for (const char c : glob) {
    regex += c == '*' ? std::string(".*") : RE2::QuoteMeta(std::string(1, c));
  }
  return regex;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t first = input.find('\n');
  if (first == std::string_view::npos) return 0;
  const size_t second = input.find('\n', first + 1);
  if (second == std::string_view::npos) return 0;
  const std::string_view allowed = input.substr(0, first);
  const std::string_view permitted = input.substr(first + 1, second - first - 1);
  const std::string_view name = input.substr(second + 1);

  static const std::optional<aws::BaseRoleArn> kBase =
      *aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/");
  const controller::NamespacePolicy policy = controller::NamespacePolicy::compile(
      "fuzz", allowed.empty() ? std::nullopt : std::optional(allowed),
      permitted.empty() ? std::nullopt : std::optional(permitted), {"*"}, kBase);
  for (const std::string_view account : {"123456789012", "210987654321"}) {
    auto role = aws::RoleArn::parse(std::string("arn:aws:iam::") + std::string(account) + ":role/" +
                                    std::string(name));
    if (!role.ok()) continue;
    const bool allowed_here = !policy.refusal(*role).has_value();
    if (allowed_here && account == "210987654321" &&
        allowed.find(kOtherAccountPrefix) == std::string_view::npos &&
        permitted.find(kOtherAccountPrefix) == std::string_view::npos) {
      std::abort();  // another account's role through a pattern that does not name it
    }
  }
  // Bytes, not UTF-8, newlines included: a glob compares bytes.
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_dot_nl(true);
  options.set_log_errors(false);
  const RE2 regex(glob_as_regex(allowed), options);
  if (regex.ok() && util::glob_match(allowed, name) != RE2::FullMatch(name, regex)) std::abort();
  return 0;
}
