#!/usr/bin/env bash
# A throwaway PKI for the IAM Roles Anywhere tests, made with the openssl CLI
# at run time (no key or certificate is committed):
#   make_test_pki.sh DIR
#     root CA (ca.pem), an intermediate (intermediate.pem, its key
#     intermediate.key: a CA certificate that may also sign), and end entities
#     issued by the intermediate, valid from an hour ago for 30 days:
#       rsa.pem + rsa.key (RSA 2048, PKCS#8) + rsa-pkcs1.key (the same key, PKCS#1)
#       ec.pem + ec.key (EC P-256, SEC1) + ec-pkcs8.key (the same key, PKCS#8)
#       no-digital-signature.pem + .key (key usage keyEncipherment only)
#       rsa1024.pem/.key, p521.pem/.key, ed25519.pem/.key (key types Roles
#       Anywhere refuses), encrypted.key (rsa.key, encrypted)
#       expired.pem/.key (valid for one day a year ago), not-yet-valid.pem/.key
#     rogue_ca.pem and rogue.pem/.key, issued by a CA nobody trusts
#     chain.pem (the intermediate) and trust-anchor.pem (the root)
#   make_test_pki.sh DIR issue NAME rsa|ec [STARTDATE ENDDATE]
#     one more end entity NAME.pem/NAME.key from the intermediate of DIR, with
#     an optional validity window (YYYYMMDDHHMMSSZ, UTC)
# Every serial number is random (up to 128 bits), so its decimal form is long.
# Exit: 0, or 1 with openssl's message.
set -euo pipefail

usage() { sed -n '2,/^# Exit/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 1 ]] || usage
DIR=$1
shift
mkdir -p "$DIR"
cd "$DIR"

write_config() {
  local ca
  {
    for ca in root intermediate rogue_ca; do
      mkdir -p "db-$ca"
      [[ -f "db-$ca/index.txt" ]] || : >"db-$ca/index.txt"
      [[ -f "db-$ca/serial" ]] || openssl rand -hex 16 >"db-$ca/serial"
      cat <<CONF
[$ca]
database = db-$ca/index.txt
new_certs_dir = db-$ca
serial = db-$ca/serial
default_md = sha256
default_days = 30
policy = any_name
unique_subject = no
rand_serial = yes
CONF
    done
    cat <<'CONF'
[any_name]
commonName = supplied
organizationName = optional
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_no_digital_signature]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
[intermediate_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[root_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CONF
  } >openssl.cnf
}

# new_key NAME rsa|ec|rsa1024|p521|ed25519
new_key() {
  case "$2" in
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    rsa1024) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1.key" ;;
    ec) openssl ecparam -name prime256v1 -genkey -noout -out "$1.key" ;;
    p521) openssl ecparam -name secp521r1 -genkey -noout -out "$1.key" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$1.key" ;;
    *) echo "make_test_pki.sh: unknown key type $2" >&2; exit 2 ;;
  esac 2>/dev/null
}

# sign CA NAME EXTENSIONS [STARTDATE ENDDATE]: NAME.csr -> NAME.pem, by CA.
sign() {
  local ca=$1 name=$2 extensions=$3 dates=()
  [[ $# -ge 5 ]] && dates=(-startdate "$4" -enddate "$5")
  [[ $# -ge 5 ]] || dates=(-startdate "$(date -u -d '1 hour ago' +%Y%m%d%H%M%SZ)" -days 30)
  openssl ca -batch -notext -config openssl.cnf -name "$ca" -cert "$ca.pem" -keyfile "$ca.key" \
    -extensions "$extensions" "${dates[@]}" -in "$name.csr" -out "$name.pem" 2>ca.log ||
    { cat ca.log >&2; exit 1; }
  rm -f "$name.csr"
}

# leaf NAME KEYTYPE [EXTENSIONS [STARTDATE ENDDATE]]: an end entity from the intermediate.
leaf() {
  local name=$1 type=$2 extensions=${3:-leaf}
  shift 3 2>/dev/null || shift $#
  new_key "$name" "$type"
  openssl req -new -key "$name.key" -subj "/O=kube-aws-iam-controller tests/CN=$name" -out "$name.csr"
  sign intermediate "$name" "$extensions" "$@"
}

if [[ "${1:-}" == issue ]]; then
  [[ $# -eq 3 || $# -eq 5 ]] || usage
  write_config
  leaf "$2" "$3" leaf "${@:4}"
  exit 0
fi
[[ $# -eq 0 ]] || usage
write_config

# root (self-signed, 1 year), the intermediate it signs, a rogue root.
for ca in root rogue_ca; do
  new_key "$ca" ec
  openssl req -new -key "$ca.key" -subj "/O=kube-aws-iam-controller tests/CN=$ca CA" -out "$ca.csr"
  openssl ca -batch -notext -selfsign -config openssl.cnf -name "$ca" -keyfile "$ca.key" \
    -extensions root_ca -startdate "$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)" -days 365 \
    -in "$ca.csr" -out "$ca.pem" 2>ca.log || { cat ca.log >&2; exit 1; }
  rm -f "$ca.csr"
done
new_key intermediate ec
openssl req -new -key intermediate.key -subj "/O=kube-aws-iam-controller tests/CN=intermediate CA" \
  -out intermediate.csr
sign root intermediate intermediate_ca "$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)" \
  "$(date -u -d '300 days' +%Y%m%d%H%M%SZ)"

leaf rsa rsa
openssl rsa -in rsa.key -traditional -out rsa-pkcs1.key 2>/dev/null
leaf ec ec
openssl pkcs8 -topk8 -nocrypt -in ec.key -out ec-pkcs8.key
leaf no-digital-signature rsa leaf_no_digital_signature
leaf rsa1024 rsa1024
leaf p521 p521
leaf ed25519 ed25519
openssl pkcs8 -topk8 -in rsa.key -passout pass:secret -out encrypted.key
leaf expired rsa leaf "$(date -u -d '1 year ago' +%Y%m%d%H%M%SZ)" \
  "$(date -u -d '1 year ago + 1 day' +%Y%m%d%H%M%SZ)"
leaf not-yet-valid rsa leaf "$(date -u -d '1 year' +%Y%m%d%H%M%SZ)" \
  "$(date -u -d '1 year + 30 days' +%Y%m%d%H%M%SZ)"

# rogue: an end entity of the rogue CA (signed directly, no intermediate).
new_key rogue rsa
openssl req -new -key rogue.key -subj "/O=kube-aws-iam-controller tests/CN=rogue" -out rogue.csr
sign rogue_ca rogue leaf

cp intermediate.pem chain.pem
cp root.pem trust-anchor.pem
