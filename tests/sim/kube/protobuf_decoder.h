// Decodes request bodies in the Kubernetes protobuf encoding
// (application/vnd.kubernetes.protobuf: "k8s\0" + runtime.Unknown{typeMeta,
// raw}), which kubectl's typed clients send for built-in kinds (`kubectl
// create secret generic`, `kubectl create namespace`, ...). Covers the kinds
// kubectl creates that way and the simulator stores: Secret, ConfigMap,
// Namespace, ServiceAccount, Event. Zero values are omitted, as the JSON
// form of the Go types would.
//
// Thread-safety: pure function.
// Errors: kInvalidArgument for malformed input, kUnimplemented for other
// kinds (the caller answers 415).
#pragma once

#include <string_view>

#include "pkg/util/status.h"
#include "tests/sim/kube/json.h"

namespace sim::kube {

util::StatusOr<json::Document> decode_kubernetes_protobuf(std::string_view body);

}  // namespace sim::kube
