// Label and field selectors with the apiserver's grammar and semantics:
// labels `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`,
// `k>1`, `k<1`, comma = AND; fields `f=v`, `f==v`, `f!=v` with `\` escapes.
//
// Thread-safety: immutable values after parse().
// Errors: parse() returns kInvalidArgument with the apiserver's message
// (the caller answers 400 BadRequest with it).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pkg/util/status.h"

namespace sim::kube {

// Sorted by key, unique keys.
using StringPairs = std::vector<std::pair<std::string, std::string>>;
// The value for `key` in sorted pairs, or nullptr.
const std::string* lookup(const StringPairs& pairs, std::string_view key);

class LabelSelector {
 public:
  enum class Op {
    kEquals,
    kNotEquals,
    kIn,
    kNotIn,
    kExists,
    kDoesNotExist,
    kGreaterThan,
    kLessThan
  };
  struct Requirement {
    std::string key;
    Op op = Op::kEquals;
    std::vector<std::string> values;
  };

  LabelSelector() = default;  // matches everything
  static util::StatusOr<LabelSelector> parse(std::string_view text);
  // A metav1.LabelSelector's matchLabels and matchExpressions, already valid.
  static LabelSelector of(std::vector<Requirement> requirements) {
    LabelSelector selector;
    selector.requirements_ = std::move(requirements);
    return selector;
  }

  bool empty() const { return requirements_.empty(); }
  bool matches(const StringPairs& labels) const;
  const std::vector<Requirement>& requirements() const { return requirements_; }

 private:
  std::vector<Requirement> requirements_;
};

class FieldSelector {
 public:
  struct Requirement {
    std::string field;
    bool equals = true;  // false for !=
    std::string value;
  };

  FieldSelector() = default;  // matches everything
  static util::StatusOr<FieldSelector> parse(std::string_view text);

  bool empty() const { return requirements_.empty(); }
  // A field missing from `fields` has the value "".
  bool matches(const StringPairs& fields) const;
  const std::vector<Requirement>& requirements() const { return requirements_; }
  // The value required by `field=value`, if the selector pins it.
  const std::string* exact_value(std::string_view field) const;

 private:
  std::vector<Requirement> requirements_;
};

// Label key / value syntax checks with the apiserver's messages ("" if valid).
std::string validate_label_key(std::string_view key);
std::string validate_label_value(std::string_view value);

}  // namespace sim::kube
