#!/usr/bin/env bash
# Seeds the controller's own credentials outside AWS (GKE, on-prem, a laptop).
#
# Usage: scripts/set_secret.sh <kube-aws-iam-controller-role-arn>
#
# Assumes the controller's IAM role with your own AWS credentials and stores
# the temporary credentials in the Secret $ROLE_NAME in $NAMESPACE, owned by
# the AWSIAMRole of the same name (created here if it does not exist). Start
# the controller with that Secret mounted at /meta/aws-iam and
# AWS_SHARED_CREDENTIALS_FILE=/meta/aws-iam/credentials.process: it uses the
# seed, adopts the Secret and keeps refreshing it (and so its own
# credentials) from then on. See docs/bootstrap.md.
#
# Environment (same as the Go original's script):
#   NAMESPACE   namespace of the Secret and AWSIAMRole (default kube-system)
#   ROLE_NAME   name of the Secret and AWSIAMRole
#               (default kube-aws-iam-controller-iam-role)
# Optional:
#   STS_ENDPOINT_URL  STS endpoint for `aws --endpoint-url` (tests, VPC endpoints)
#   KUBECTL, AWS      commands to use (default: kubectl, aws)
#   CREDENTIALS_MOUNT_PATH  where the controller mounts this Secret, written into
#               credentials.process (default /meta/aws-iam; match the
#               controller's --credentials-mount-path)
# Needs: aws (AWS CLI), kubectl, base64. No jq.
set -o errexit -o nounset -o pipefail
# The script handles secret keys and tokens: never trace it (`bash -x` would
# print them on stderr with every command that carries them).
set +o xtrace

: "${NAMESPACE:=kube-system}"
: "${ROLE_NAME:=kube-aws-iam-controller-iam-role}"
: "${KUBECTL:=kubectl}"
: "${AWS:=aws}"
: "${CREDENTIALS_MOUNT_PATH:=/meta/aws-iam}"

if [[ $# != 1 ]]; then
  echo "usage: $0 <kube-aws-iam-controller-role-arn>" 1>&2
  exit 1
fi
role_arn="$1"
if [[ ! "$role_arn" =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+ ]]; then
  echo "$0: '$role_arn' is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)" 1>&2
  exit 1
fi

for tool in "$KUBECTL" "$AWS" base64; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found" 1>&2; exit 1; }
done

# The AWSIAMRole must exist first: the Secret is owned by it.
if ! "$KUBECTL" get -n "$NAMESPACE" awsiamrole "$ROLE_NAME" >/dev/null 2>&1; then
  "$KUBECTL" apply -f - <<EOF_ROLE
apiVersion: zalando.org/v1
kind: AWSIAMRole
metadata:
  name: $ROLE_NAME
  namespace: $NAMESPACE
spec:
  roleReference: $role_arn
EOF_ROLE
fi
role_uid="$("$KUBECTL" get -n "$NAMESPACE" awsiamrole "$ROLE_NAME" -o 'jsonpath={.metadata.uid}')"
if [[ -z "$role_uid" ]]; then
  echo "$0: could not read the uid of awsiamrole $NAMESPACE/$ROLE_NAME" 1>&2
  exit 1
fi

endpoint_args=()
[[ -n "${STS_ENDPOINT_URL:-}" ]] && endpoint_args=(--endpoint-url "$STS_ENDPOINT_URL")

# Tab-separated fields; keys and tokens are base64 text, safe to embed in JSON.
read -r access_key_id secret_access_key session_token expiration < <(
  "$AWS" sts assume-role "${endpoint_args[@]}" \
    --role-arn "$role_arn" --role-session-name kube-aws-iam-controller \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken,Expiration]' --output text)
if [[ -z "${session_token:-}" ]]; then
  echo "$0: aws sts assume-role returned no credentials" 1>&2
  exit 1
fi

# Keys and tokens go only through here-documents into base64's stdin, and
# from there into kubectl's stdin below: never to the terminal, a log or a
# process's argument list.
credentials_json="$(tr -d '\n' <<EOF_JSON | base64 -w0
{"Version":1,"AccessKeyId":"$access_key_id","SecretAccessKey":"$secret_access_key","SessionToken":"$session_token","Expiration":"$expiration"}
EOF_JSON
)"
# The static INI too, for a controller started with the Go original's
# AWS_SHARED_CREDENTIALS_FILE=/meta/aws-iam/credentials.
credentials_ini="$(base64 -w0 <<EOF_INI
[default]
aws_access_key_id = $access_key_id
aws_secret_access_key = $secret_access_key
aws_session_token = $session_token
aws_expiration = $expiration
EOF_INI
)"
credentials_process="$(printf '[default]\ncredential_process = cat %s/credentials.json\n' "${CREDENTIALS_MOUNT_PATH%/}" | base64 -w0)"

"$KUBECTL" apply -f - <<EOF_SECRET
apiVersion: v1
kind: Secret
metadata:
  name: $ROLE_NAME
  namespace: $NAMESPACE
  labels:
    heritage: kube-aws-iam-controller
    type: awsiamrole
  ownerReferences:
  - apiVersion: zalando.org/v1
    kind: AWSIAMRole
    name: $ROLE_NAME
    uid: $role_uid
type: Opaque
data:
  credentials: $credentials_ini
  credentials.json: $credentials_json
  credentials.process: $credentials_process
EOF_SECRET
echo "Seeded secret $NAMESPACE/$ROLE_NAME (expires $expiration); the controller refreshes it from now on."
