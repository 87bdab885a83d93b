// AWS credentials as every part of pkg/aws passes them around: an access key
// id, its secret, an optional session token and expiration, and where they
// came from ("environment", "imds", "sts:AssumeRole", ...) for error messages.
//
// A plain value: copy it freely; not synchronised (share snapshots as
// std::shared_ptr<const Credentials>). The secret and the token are
// util::SecretString, so streaming a Credentials never prints them; its
// operator<< shows only the last 4 characters of the key id.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/util/secret_string.h"

namespace aws {

struct Credentials {
  std::string access_key_id;
  util::SecretString secret_access_key;
  util::SecretString session_token;      // empty for long-term keys
  std::optional<absl::Time> expiration;  // none: does not expire
  std::string source;                    // e.g. "environment", "imds", "sts:AssumeRole"

  // True when both the key id and the secret are set.
  bool complete() const { return !access_key_id.empty() && !secret_access_key.empty(); }
  // True when the credentials expire at or before `now + margin`.
  bool expires_within(absl::Time now, absl::Duration margin) const {
    return expiration.has_value() && *expiration <= now + margin;
  }

  friend bool operator==(const Credentials&, const Credentials&) = default;
};

// "...MPLE" for "AKIDEXAMPLE": only the last 4 characters of a key id; "..."
// for an id of 4 characters or fewer.
std::string redact_key_id(std::string_view access_key_id);

// Credentials{key id ...MPLE, session token: yes, expires 2026-01-02T03:04:05Z,
// source imds}. Never prints the secret key or the token.
std::ostream& operator<<(std::ostream& os, const Credentials& credentials);

}  // namespace aws
