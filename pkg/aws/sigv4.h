// AWS Signature Version 4 (header signing), as a pure function of the request,
// the credentials and a time passed in: the signer reads no clock and returns
// the headers to add rather than mutating the request (as aws-c-auth). Every
// stage is exposed so tests check it against AWS's published vectors and so a
// server (the simulator's tests/sim/aws/sigv4_verifier.h) can recompute a
// client's signature.
//
// Thread-safe: free functions over values. Errors: kInvalidArgument for
// unusable input (incomplete credentials, empty region/service, a signed
// header that the request lacks). Secrets
// never appear in results other than the X-Amz-Security-Token header value.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pkg/aws/credentials.h"
#include "pkg/http/transport.h"
#include "pkg/util/status.h"

namespace aws::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
// The last element of every credential scope.
inline constexpr std::string_view kScopeTerminator = "aws4_request";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Header name/value pairs in request order; duplicates allowed; names compare
// case-insensitively.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// What the signer reads from a request.
struct SignableRequest {
  std::string method = "GET";
  // The path as sent on the wire (already percent-encoded by the sender),
  // "/" when the URL has none.
  std::string path = "/";
  std::string query;   // the raw query string, without '?'
  HeaderList headers;  // as sent; must include Host for it to be signed
  std::string payload_hash = std::string(kEmptyPayloadHash);  // lowercase hex SHA-256 of the body
};

// From an absolute http::Request: method, path and query of the URL, its
// headers plus "Host" derived from the URL when absent (host[:port], the port
// only when not the scheme's default, as the transport sends it), SHA-256 of the body.
// kInvalidArgument for a URL that is not absolute http(s).
util::StatusOr<SignableRequest> signable_request(const http::Request& request);

// --- Stage 1: canonical request --------------------------------------------

struct CanonicalOptions {
  // Remove "." and ".." segments and collapse repeated '/' (every service but
  // S3; the test suite's context.json "normalize").
  bool normalize_path = true;
  // URI-encode the (already encoded) path once more (every service but S3).
  bool encode_path = true;
};

// Lowercase hex SHA-256.
std::string hex_sha256(std::string_view data);
// HMAC-SHA256 (RFC 2104): what the signing key chain and the signature use.
std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data);
// "/a//b/./c/../d/" -> "/a/b/d/"; always starts with '/'.
std::string normalize_path(std::string_view path);
// The CanonicalURI line.
std::string canonical_uri(std::string_view path, const CanonicalOptions& options);
// The CanonicalQueryString line: parameters decoded then re-encoded, sorted by
// encoded name then value; "a" becomes "a=".
std::string canonical_query(std::string_view raw_query);
// Trims a header value and collapses runs of whitespace (incl. folded line
// breaks) into one space.
std::string canonical_header_value(std::string_view value);

// Lowercased, sorted, unique names of the headers SigV4 signs by default: all
// but hop-by-hop and proxy-modified ones (authorization, connection, expect,
// user-agent, x-amzn-trace-id, ...).
std::vector<std::string> default_signed_header_names(const HeaderList& headers);

struct CanonicalHeaders {
  std::string block;           // "name:value\n" per signed header, sorted by name
  std::string signed_headers;  // "host;x-amz-date"
};
// Canonical headers for exactly `signed_names` (any case, any order); values of
// repeated headers are joined with ',' in request order. kInvalidArgument if
// the request lacks one of them.
util::StatusOr<CanonicalHeaders> canonical_headers(const HeaderList& headers,
                                                   const std::vector<std::string>& signed_names);

// METHOD\nCanonicalURI\nCanonicalQuery\nCanonicalHeaders\nSignedHeaders\nPayloadHash
util::StatusOr<std::string> canonical_request(const SignableRequest& request,
                                              const std::vector<std::string>& signed_names,
                                              const CanonicalOptions& options);

// --- Stage 2: string to sign ---------------------------------------------------

// "20150830T123600Z" / "20150830", UTC.
std::string format_amz_date(absl::Time time);
std::string format_date_stamp(absl::Time time);
// Parses "20150830T123600Z". kInvalidArgument otherwise.
util::StatusOr<absl::Time> parse_amz_date(std::string_view text);

// "20150830/us-east-1/service/aws4_request"
std::string credential_scope(std::string_view date_stamp, std::string_view region,
                             std::string_view service);

// <algorithm>\n<amz date>\n<scope>\n<hex sha256 of canonical request>; the
// algorithm is AWS4-HMAC-SHA256 but for SigV4-X509 (sigv4_x509.h).
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request,
                           std::string_view algorithm = kAlgorithm);

// --- Stage 3: signing key and signature ----------------------------------------

// HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request".
// Zeroed when destroyed.
class SigningKey {
 public:
  explicit SigningKey(const std::array<unsigned char, 32>& bytes) : bytes_(bytes) {}
  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();
  const std::array<unsigned char, 32>& bytes() const { return bytes_; }
  std::string hex() const;  // for tests against published examples

 private:
  std::array<unsigned char, 32> bytes_;
};

SigningKey derive_signing_key(const util::SecretString& secret_access_key,
                              std::string_view date_stamp, std::string_view region,
                              std::string_view service);

// Lowercase hex HMAC-SHA256(key, string_to_sign).
std::string signature(const SigningKey& key, std::string_view string_to_sign);

// Lowercase hex of any bytes.
std::string lower_hex(std::string_view bytes);

// --- All together ----------------------------------------------------------------

struct SigningOptions {
  std::string region;   // e.g. "us-east-1"; the scope's region
  std::string service;  // e.g. "sts"
  CanonicalOptions canonical;
  // Add and sign X-Amz-Content-Sha256 (S3; the test suite's "sign_body").
  bool add_content_sha256_header = false;
  // Add X-Amz-Security-Token after signing, unsigned (the test suite's
  // "omit_session_token"; some IoT endpoints). Off: the token is signed.
  bool omit_session_token = false;
};

struct SigningResult {
  // To set on the request, each replacing any same-named header:
  // X-Amz-Date, [X-Amz-Security-Token], [X-Amz-Content-Sha256], Authorization.
  HeaderList headers;
  // The stages, for tests and debugging (they hold no secret).
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;
  std::string signature;
};

// Signs the request's default_signed_header_names() plus the headers it adds.
// An Authorization, X-Amz-Date or X-Amz-Security-Token already on the request
// is ignored (it would be replaced).
util::StatusOr<SigningResult> sign(const SignableRequest& request, const Credentials& credentials,
                                   absl::Time now, const SigningOptions& options);

// The signing skeleton both signers share (this HMAC one and SigV4-X509,
// sigv4_x509.h): everything but what a scheme decides, which is the algorithm
// named in the string to sign and the Authorization header, whose credential
// it is, which headers it adds, and how the string to sign becomes a
// signature.
struct SigningScheme {
  std::string_view algorithm;
  std::string credential_id;  // the access key id, or a certificate's serial number
  // Set on the request after X-Amz-Date, each replacing same-named headers;
  // `additions` are signed, `unsigned_additions` (omit_session_token) not.
  HeaderList additions;
  HeaderList unsigned_additions;
  // Headers the scheme owns even when it does not set them (a session token
  // without credentials that have one): dropped from the request.
  std::vector<std::string_view> owned_headers;
  // Lowercase hex signature of the string to sign.
  std::function<util::StatusOr<std::string>(std::string_view string_to_sign)> sign;
};

// X-Amz-Date + the scheme's additions, the canonical request of the default
// signed headers, the scope, the string to sign, the signature, and the
// Authorization header "<algorithm> Credential=<id>/<scope>, SignedHeaders=...,
// Signature=...".
util::StatusOr<SigningResult> sign_with_scheme(const SignableRequest& request, absl::Time now,
                                               std::string_view region, std::string_view service,
                                               const CanonicalOptions& canonical,
                                               const SigningScheme& scheme);

// Convenience: signable_request() + sign() + set the headers on `request`.
util::Status sign_request(http::Request& request, const Credentials& credentials, absl::Time now,
                          const SigningOptions& options);

}  // namespace aws::sigv4
