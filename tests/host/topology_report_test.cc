// topology_report_test.cc: print_topology() text, byte for byte.
#include <catch2/catch.hpp>

#include "test_support.h"

using namespace test;
using platform::Topology;

namespace {

Topology make(unsigned num_nodes, std::vector<unsigned> cpu_nodes) {
    Topology t{};
    t.source = platform::TopologySource::Srat;
    t.num_nodes = num_nodes;
    t.num_cpus = unsigned(cpu_nodes.size());
    for (unsigned i = 0; i < t.num_cpus; ++i) t.cpus[i] = {i, cpu_nodes[i]};
    for (unsigned i = 0; i < num_nodes; ++i) {
        t.nodes[i].proximity_domain = i;
        for (unsigned j = 0; j < num_nodes; ++j) t.distance[i][j] = i == j ? 10 : 20;
    }
    return t;
}

void add_range(Topology& t, unsigned node, uint64_t base, uint64_t end) {
    auto& n = t.nodes[node];
    n.ranges[n.num_ranges++] = {base, end};
}

}  // namespace

TEST_CASE("report: the example from the documentation", "[report]") {
    Topology t = make(2, {0, 0, 1, 1});
    add_range(t, 0, 0, 0xa0000);
    add_range(t, 0, 0x100000, 0x10000000);
    add_range(t, 1, 0x10000000, 0x20000000);
    CHECK(report_of(t) ==
          "topology: nodes=2 cpus=4\n"
          "node 0: cpus=0,1 mem=0x0-0xa0000,0x100000-0x10000000 distance=10,20\n"
          "node 1: cpus=2,3 mem=0x10000000-0x20000000 distance=20,10\n");
}

TEST_CASE("report: empty CPU and memory lists print '-'", "[report]") {
    Topology t = make(3, {0, 2});
    add_range(t, 0, 0x1000, 0x2000);
    add_range(t, 1, 0x2000, 0x3000);
    CHECK(report_of(t) ==
          "topology: nodes=3 cpus=2\n"
          "node 0: cpus=0 mem=0x1000-0x2000 distance=10,20,20\n"
          "node 1: cpus=- mem=0x2000-0x3000 distance=20,10,20\n"
          "node 2: cpus=1 mem=- distance=20,20,10\n");
}

TEST_CASE("report: interleaved CPUs, 64-bit addresses, asymmetric distances", "[report]") {
    Topology t = make(2, {1, 0, 1, 0, 1});
    add_range(t, 1, 0x100000000ull, 0x180000000ull);
    t.distance[0][1] = 21;
    t.distance[1][0] = 255;
    CHECK(report_of(t) ==
          "topology: nodes=2 cpus=5\n"
          "node 0: cpus=1,3 mem=- distance=10,21\n"
          "node 1: cpus=0,2,4 mem=0x100000000-0x180000000 distance=255,10\n");
}

TEST_CASE("report: one node, and sixteen", "[report]") {
    Topology one = make(1, {0});
    add_range(one, 0, 0, 0x9fc00);
    CHECK(report_of(one) == "topology: nodes=1 cpus=1\nnode 0: cpus=0 mem=0x0-0x9fc00 distance=10\n");

    Topology sixteen = make(16, {15});
    std::string text = report_of(sixteen);
    CHECK(text.find("node 15: cpus=0 mem=- distance=20,20,20,20,20,20,20,20,20,20,20,20,20,20,20,10\n") !=
          std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\n') == 17);
}
