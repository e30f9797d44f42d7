#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collectors/collector.h"

namespace ipc_exporter {

/// Makes a collector for one IPC namespace's context.
using CollectorFactory = std::function<std::unique_ptr<Collector>(const CollectorContext&)>;

/// The enabled collectors: the one list every scrape works from, for the exporter's own IPC
/// namespace and for each other one alike.
struct CollectorSet {
  struct Member {
    std::string name;  // as in --collector.NAME and the `collector` label
    CollectorFactory create;
  };
  std::vector<Member> members;  // in the order their families appear in a scrape
  CollectorContext context;     // the exporter's own namespace; others derive theirs from it
};

}  // namespace ipc_exporter
