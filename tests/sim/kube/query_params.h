// Query parameters read the way kube-apiserver reads them (apimachinery's
// runtime.Convert_Slice_string_To_bool and strconv.ParseInt), so that every
// client library's spelling means what it means to a real apiserver.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "pkg/util/status.h"

namespace sim::kube {

// A boolean parameter that is present: false only for "0" and for "false" in
// any letter case; anything else — "true", "True", "1", "yes", "" — is true.
// (An absent one is false, or unset for the optional ones.)
bool query_bool(std::string_view value);

// An integer parameter, as strconv.ParseInt(value, 10, 64): an optional sign
// and decimal digits, within int64. kInvalidArgument with Go's message
// (`strconv.ParseInt: parsing "abc": invalid syntax` / `...: value out of
// range`) otherwise.
util::StatusOr<int64_t> query_int(std::string_view value);

}  // namespace sim::kube
