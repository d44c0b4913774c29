// slit.h: reading node distances out of the SLIT.
//
// The SLIT is an N x N byte matrix indexed by proximity domain (not by
// Proxima's dense node number): entry [i][j] is the relative cost for a CPU in
// domain i to reach memory in domain j, scaled so that local access is 10.
// Values may be asymmetric ([i][j] != [j][i]) and are kept as given.
//
//   36               44                  44+N      44+2N         44+N*N
//   +----------------+-------------------+---------+-----...-----+
//   | locality count | row 0: d(0,0..N-1)| row 1   |             |
//   +----------------+-------------------+---------+-----...-----+
#pragma once

#include "lib/format.h"
#include "platform/acpi/phys_reader.h"
#include "platform/acpi/table_directory.h"
#include "platform/topology.h"

namespace acpi {

/// Sets out.distance for nodes 0..out.num_nodes-1 to 10 (same node) and 20.
void set_default_distances(platform::Topology& out);

/// Fills out.distance from the SLIT for the nodes already in `out`. A node
/// whose proximity domain lies outside the matrix gets 10/20 with a warning.
/// Returns false, with a warning and out.distance untouched, if the SLIT is
/// malformed.
[[nodiscard]] bool try_parse_slit(PhysReader& reader, const TableLocation& slit,
                                  platform::Topology& out, kstd::CharSink& diag);

}  // namespace acpi
