#include "controller/domain/external_id.h"

#include <algorithm>
#include <cctype>

#include "pkg/util/strings.h"

namespace controller {
namespace {

// STS's ExternalId: [\w+=,.@:/-]{2,1224}.
constexpr size_t kMinLength = 2;
constexpr size_t kMaxLength = 1224;
// Kubernetes' limits: a namespace is a DNS label, an AWSIAMRole name a DNS
// subdomain; both only use characters STS accepts.
constexpr size_t kMaxNamespaceLength = 63;
constexpr size_t kMaxNameLength = 253;

bool allowed(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("_+=,.@:/-").find(c) != std::string_view::npos;
}

util::Status invalid(std::string_view why) {
  return util::invalid_argument_error(std::string(why));
}

}  // namespace

util::StatusOr<ExternalIdTemplate> ExternalIdTemplate::parse(std::string_view text,
                                                             std::string_view cluster_name) {
  ExternalIdTemplate out;
  out.text_ = std::string(text);
  size_t min_length = 0;
  size_t max_length = 0;
  auto add_literal = [&](std::string_view literal) {
    if (out.pieces_.empty() || out.pieces_.back().part != Part::kLiteral) {
      out.pieces_.push_back({Part::kLiteral, ""});
    }
    out.pieces_.back().literal += literal;
    min_length += literal.size();
    max_length += literal.size();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '{') {
      if (!allowed(text[i])) {
        return invalid(util::cat("'", std::string(1, text[i]),
                                 "' is not allowed in an ExternalId (letters, digits and _+=,.@:/- "
                                 "only)"));
      }
      add_literal(text.substr(i, 1));
      ++i;
      continue;
    }
    const size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      return invalid(util::cat("unclosed placeholder at \"", text.substr(i), "\""));
    }
    const std::string_view placeholder = text.substr(i, close + 1 - i);
    if (placeholder == "{namespace}") {
      out.pieces_.push_back({Part::kNamespace, ""});
      min_length += 1;
      max_length += kMaxNamespaceLength;
    } else if (placeholder == "{name}") {
      out.pieces_.push_back({Part::kName, ""});
      min_length += 1;
      max_length += kMaxNameLength;
    } else if (placeholder == "{cluster}") {
      if (cluster_name.empty()) return invalid("{cluster} needs --cluster-name");
      if (!std::all_of(cluster_name.begin(), cluster_name.end(), allowed)) {
        return invalid(util::cat("the cluster name \"", cluster_name,
                                 "\" has characters an ExternalId cannot contain (letters, digits "
                                 "and _+=,.@:/- only)"));
      }
      add_literal(cluster_name);
    } else {
      return invalid(util::cat("unknown placeholder ", placeholder,
                               " (known: {namespace}, {name}, {cluster})"));
    }
    i = close + 1;
  }
  if (min_length < kMinLength) {
    return invalid(
        util::cat("the result can be shorter than STS's minimum of ", kMinLength,
                  " characters (a one-letter namespace): add a prefix such as \"k8s:\""));
  }
  if (max_length > kMaxLength) {
    return invalid(
        util::cat("the result can be longer than STS's maximum of ", kMaxLength, " characters"));
  }
  return out;
}

std::string ExternalIdTemplate::render(std::string_view ns, std::string_view name) const {
  std::string out;
  for (const Piece& piece : pieces_) {
    switch (piece.part) {
      case Part::kLiteral:
        out += piece.literal;
        break;
      case Part::kNamespace:
        out += ns;
        break;
      case Part::kName:
        out += name;
        break;
    }
  }
  return out;
}

}  // namespace controller
