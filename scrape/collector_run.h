#pragma once

#include <string>

#include "collectors/collector.h"
#include "exposition/family_index.h"
#include "scrape/scrape_status.h"

namespace ipc_exporter {

/// One collector's run: its text and where each family lies in it, what it reported, and how it
/// went.
struct CollectorRun {
  std::string text;
  FamilyIndex families;
  CollectReport report;
  CollectorStatus status;
};

/// Runs one collector into `buffer` (emptied first, its capacity kept), every sample labelled
/// ipc_namespace=`ipc_namespace` unless that is "". A collector that throws leaves no text and
/// no findings, only its error. Logs nothing: the scraper logs when a collector's state
/// changes. Never throws.
CollectorRun RunCollector(const std::string& name, Collector& collector, std::string* buffer,
                          const std::string& ipc_namespace);

}  // namespace ipc_exporter
