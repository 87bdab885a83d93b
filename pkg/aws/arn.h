// ARNs and IAM role references as the controller uses them: parsing and
// validating ARNs of every partition, resolving an AWSIAMRole's roleReference
// against the base role ARN, discovering the base role ARN from an EC2
// instance profile, and deriving the STS RoleSessionName.
//
// Thread-safe: immutable values and pure functions. Objects are made only by
// the validating factories (parse/resolve), so a RoleArn is always a valid
// role ARN. Errors: kInvalidArgument with a message naming the input, e.g.
// "unknown partition 'aws-foo' in ARN 'arn:aws-foo:iam::123456789012:role/x'".
#pragma once

#include <string>
#include <string_view>

#include "pkg/aws/partition.h"
#include "pkg/util/status.h"

namespace aws {

// arn:<partition>:<service>:<region>:<account>:<resource>
class Arn {
 public:
  // Checks the "arn:" prefix, six ':'-separated fields (the resource may hold
  // more ':'), a known partition and a non-empty service and resource.
  static util::StatusOr<Arn> parse(std::string_view text);

  Partition partition() const { return partition_; }
  const std::string& service() const { return service_; }
  const std::string& region() const { return region_; }
  const std::string& account_id() const { return account_id_; }
  const std::string& resource() const { return resource_; }
  const std::string& str() const { return text_; }

  friend bool operator==(const Arn& a, const Arn& b) { return a.text_ == b.text_; }

 private:
  Arn() = default;
  std::string text_;
  Partition partition_ = Partition::kAws;
  std::string service_, region_, account_id_, resource_;
};

// arn:<partition>:iam::<12-digit account>:role<path><name>, path "/" or
// "/a/b/" (printable ASCII, at most 512 chars), name 1..64 of [A-Za-z0-9_+=,.@-].
class RoleArn {
 public:
  static util::StatusOr<RoleArn> parse(std::string_view text);

  const Arn& arn() const { return arn_; }
  Partition partition() const { return arn_.partition(); }
  const std::string& account_id() const { return arn_.account_id(); }
  const std::string& path() const { return path_; }  // "/" or "/team/app/"
  const std::string& name() const { return name_; }
  const std::string& str() const { return arn_.str(); }

  friend bool operator==(const RoleArn& a, const RoleArn& b) { return a.arn_ == b.arn_; }

 private:
  explicit RoleArn(Arn arn) : arn_(std::move(arn)) {}
  Arn arn_;
  std::string path_, name_;
};

// The prefix role names are appended to: arn:<partition>:iam::<account>:role/
// optionally followed by a path ("arn:aws:iam::123456789012:role/team/").
class BaseRoleArn {
 public:
  // A missing trailing '/' is added ("...:role" -> "...:role/").
  static util::StatusOr<BaseRoleArn> parse(std::string_view text);

  Partition partition() const { return partition_; }
  const std::string& str() const { return text_; }

  friend bool operator==(const BaseRoleArn& a, const BaseRoleArn& b) { return a.text_ == b.text_; }

 private:
  BaseRoleArn() = default;
  std::string text_;
  Partition partition_ = Partition::kAws;
};

// True when `reference` is meant as a full ARN. The Go original tests for the
// prefix arn:<partition>:iam::; any "arn:" prefix counts here, so that
// "arn:aws-foo:iam::..." fails with "unknown partition" instead of being
// appended to the base ARN.
bool is_full_arn_reference(std::string_view reference);

// "arn:<partition>:iam::<account>:" when `text` begins with an IAM ARN's known
// partition and 12-digit account spelled out (what follows may be anything,
// a wildcard pattern included); "" otherwise. Which account a role, a base
// role ARN or a pattern over role ARNs is about.
std::string iam_account_prefix(std::string_view text);

// Resolves an AWSIAMRole's spec.roleReference, as the Go original: a full ARN
// is used as is; anything else (a name or path/name) is appended to the base
// role ARN. The result must be a valid role ARN. kFailedPrecondition when a
// relative reference needs a base role ARN and none is configured (nullptr).
util::StatusOr<RoleArn> resolve_role_reference(std::string_view reference,
                                               const BaseRoleArn* base_role_arn);

// The base role ARN of the account of an EC2 instance profile, as the Go
// original derives it: "arn:aws:iam::123456789012:instance-profile/path/foo"
// -> "arn:aws:iam::123456789012:role/" (the instance profile's path is dropped).
util::StatusOr<BaseRoleArn> base_role_arn_from_instance_profile(
    std::string_view instance_profile_arn);

// Longest RoleSessionName STS accepts.
inline constexpr size_t kMaxRoleSessionNameLength = 64;

// The RoleSessionName for a role, as the Go original's normalizeRoleARN:
// "<account>.<path levels>.<name>" within 64 characters, the role name keeping
// as much as fits and every earlier path level at least its first character
// (arn:aws:iam::012345678910:role/aaaaa/bbbbb/<47 chars> ->
// "012345678910.a.b.<47 chars>").
// Beyond the original, which sent names STS rejects:
//  - every character outside STS's [A-Za-z0-9_+=,.@-] becomes '_' (the
//    original mapped only ':'; IAM paths allow any printable ASCII);
//  - a path deeper than fits (more than (64 - 12) / 2 = 26 levels with the
//    name, where the original would panic) keeps only its last levels, as
//    many as fit, so the role name and its nearest path levels stay visible.
// The result always matches [\w+=,.@-]{2,64}.
std::string role_session_name(const RoleArn& role);

}  // namespace aws
