// test_support.h: running build_topology() and print_topology() in one call.
#pragma once

#include <string>

#include "acpi_image.h"
#include "platform/acpi/topology_builder.h"
#include "platform/acpi/topology_report.h"
#include "string_sink.h"

namespace test {

struct Built {
    platform::Topology topology;
    std::string report;    // print_topology() output
    std::string diag;      // everything build_topology() wrote
    std::string warnings;  // the "acpi: warning: " lines of diag
};

inline std::string report_of(const platform::Topology& topology) {
    StringSink out;
    acpi::print_topology(topology, out);
    return out.text;
}

inline Built build(acpi::PhysReader& reader, const acpi::TopologyOptions& options = {}) {
    Built built{};
    StringSink diag;
    acpi::build_topology(reader, options, diag, built.topology);
    built.report = report_of(built.topology);
    built.diag = diag.text;
    built.warnings = diag.warnings();
    return built;
}

}  // namespace test
