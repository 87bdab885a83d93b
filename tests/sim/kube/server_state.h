// Everything one simulator instance owns besides its HTTP listener: the
// object store, schemas, catalog, handlers' shared context, faults, latency
// model, counters and access policy. Internal to Server and Router.
//
// Thread-safety: members are thread-safe.
#pragma once

#include <atomic>
#include <memory>

#include "tests/sim/kube/access_policy.h"
#include "tests/sim/kube/api_context.h"
#include "tests/sim/kube/fault_injector.h"
#include "tests/sim/kube/latency_model.h"
#include "tests/sim/kube/mutating_webhooks.h"
#include "tests/sim/kube/openapi_v2.h"
#include "tests/sim/kube/openapi_v3.h"
#include "tests/sim/kube/request_counters.h"
#include "tests/sim/kube/table_printer.h"

namespace sim::kube {

struct ServerState {
  ServerState(util::Clock& clock_in, std::shared_ptr<const SchemaLibrary> schemas_in,
              size_t history_size, bool gc, LatencyModel latency_model_in,
              ServiceAddresses service_addresses)
      : clock(clock_in),
        schemas(std::move(schemas_in)),
        store(clock_in, history_size),
        catalog(std::make_shared<const Catalog>(builtin_resource_types())),
        printer(*schemas),
        garbage_collection(gc),
        openapi(*schemas),
        openapi_v2(*schemas),
        mutating_webhooks({store, *schemas, uids, std::move(service_addresses)}),
        context{
            clock, store, *schemas, catalog, printer, garbage_collection, uids, mutating_webhooks},
        latency_model(latency_model_in) {}

  util::Clock& clock;
  std::shared_ptr<const SchemaLibrary> schemas;
  ObjectStore store;
  CatalogHolder catalog;
  TablePrinter printer;
  std::atomic<bool> garbage_collection;
  UidGenerator uids;
  OpenApiV3 openapi;
  OpenApiV2 openapi_v2;
  MutatingWebhooks mutating_webhooks;
  ApiContext context;
  FaultInjector faults;
  LatencyModelGate latency_model;
  RequestCounters counters;
  AccessPolicy access;
};

}  // namespace sim::kube
