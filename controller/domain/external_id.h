// The sts:ExternalId the controller sends when it assumes a role for an
// AWSIAMRole, derived from where the resource lives (never from its spec), so
// that a role's trust policy can name the namespaces allowed to use it: the
// confused-deputy defence of AWS's third-party access guide, without the
// sts:TagSession permission that session tags need.
//
//   --external-id='{cluster}/{namespace}' --cluster-name=prod
//   trust policy: "Condition": {"StringEquals": {"sts:ExternalId": "prod/payments"}}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pkg/util/status.h"

namespace controller {

class ExternalIdTemplate {
 public:
  // `text` mixes literal characters STS accepts in an ExternalId
  // ([A-Za-z0-9_+=,.@:/-]) with the placeholders {namespace}, {name} (the
  // AWSIAMRole's) and {cluster} (`cluster_name`, bound now). kInvalidArgument,
  // saying what is wrong, for an unknown or unclosed placeholder, a character
  // STS refuses, {cluster} without a cluster name, or a template whose result
  // could be shorter than 2 or longer than 1224 characters (STS's limits) for
  // some valid namespace and name.
  static util::StatusOr<ExternalIdTemplate> parse(std::string_view text,
                                                  std::string_view cluster_name);

  std::string render(std::string_view ns, std::string_view name) const;

  const std::string& text() const { return text_; }

 private:
  enum class Part { kLiteral, kNamespace, kName };
  struct Piece {
    Part part;
    std::string literal;  // kLiteral only
  };

  std::string text_;
  std::vector<Piece> pieces_;
};

}  // namespace controller
