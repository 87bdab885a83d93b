// Reads an IamConfig from a YAML or JSON file (JSON is read as YAML) for the
// standalone aws-sim. Format (every key optional unless noted):
//
//   accounts: ["123456789012"]
//   regions: [us-east-1, "eu-*"]
//   issued_duration_cap: 60s            # simulator-only knob (Go duration or seconds)
//   users:
//     - arn: arn:aws:iam::123456789012:user/bootstrap          # required
//       access_key_id: AKIA...                                  # required
//       secret_access_key: ...                                  # required
//   roles:
//     - arn: arn:aws:iam::123456789012:role/team/app/*          # required; globs allowed
//       max_session_duration: 12h       # or 43200; default 3600
//       trust: [arn:aws:iam::123456789012:role/kube-aws-iam-controller, web-identity]
//       external_id: my-external-id
//       required_session_tags: [{key: kubernetes-namespace, value: default}, {key: cluster}]
//   instance_profile:
//     arn: arn:aws:iam::123456789012:instance-profile/kube-node                # required
//     role: arn:aws:iam::123456789012:role/kube-aws-iam-controller             # required
//     instance_id: i-0123456789abcdef0
//     region: us-east-1
//     credential_lifetime: 6h
//   container_credentials:
//     path: /v1/credentials
//     authorization_token: some-token
//     role: arn:aws:iam::123456789012:role/pod-identity                        # required
//   web_identity:
//     tokens: [{token: eyJ..., subject: system:serviceaccount:ns:sa, audience: sts.amazonaws.com,
//               provider: arn:aws:iam::123456789012:oidc-provider/oidc.example.com}]
//   roles_anywhere:
//     trust_anchors:
//       - arn: arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/<id>   # required
//         certificate_bundle_file: ca.pem  # relative to this file; or certificate_bundle: <PEM>
//         enabled: true
//     profiles:
//       - arn: arn:aws:rolesanywhere:us-east-1:123456789012:profile/<id>        # required
//         role_arns: [arn:aws:iam::123456789012:role/kube-aws-iam-controller]   # required
//         duration: 1h                   # the profile's durationSeconds; default 1h
//         enabled: true
//   (a role Roles Anywhere may assume lists rolesanywhere.amazonaws.com in its trust)
//
// Errors: kNotFound (no such file), kInvalidArgument (syntax, unknown key,
// wrong type, missing required key), naming the key. Semantic checks (ARN
// shapes, durations) are IamModel::create's.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "pkg/util/status.h"
#include "tests/sim/aws/iam_config.h"

namespace sim::aws {

util::StatusOr<IamConfig> load_iam_config(const std::string& path);
// `base_dir`: where relative file names in the config point (the config file's directory).
util::StatusOr<IamConfig> parse_iam_config(std::string_view text,
                                           const std::filesystem::path& base_dir = ".");

}  // namespace sim::aws
