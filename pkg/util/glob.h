// Wildcard matching of names and ARNs. `*` matches any run of characters,
// '/' and ':' included; in the IAM policy dialect `?` matches any one
// character; every other character matches itself. kube2iam's namespace
// patterns (github.com/ryanuber/go-glob) are the star-only dialect.
// O(pattern × text) at worst, with no recursion: safe on untrusted patterns.
#pragma once

#include <string_view>

namespace util {

enum class GlobDialect {
  kStarOnly,   // `*` only (kube2iam)
  kIamPolicy,  // `*` and `?` (IAM policy ARN matching)
};

bool glob_match(std::string_view pattern, std::string_view text,
                GlobDialect dialect = GlobDialect::kStarOnly);

}  // namespace util
