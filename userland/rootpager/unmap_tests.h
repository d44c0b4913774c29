// unmap_tests.h: Lab 6's tests, the global unmap (thesis 3.2.3, 4.2.1, 5.4.2; docs/
// numaos.md): what every space of a task maps after os::unmap, read from the kernel
// while numaprobe's threads hold still (probe_runs.h), and the pagers' unmap workers
// refusing a caller that is no pager. tests.cc's table runs them.
#pragma once

namespace rootpager {

[[nodiscard]] bool unmap_everywhere();
[[nodiscard]] bool unmap_status();
[[nodiscard]] bool unmap_read_only();
[[nodiscard]] bool unmap_concurrent();
[[nodiscard]] bool unmap_refused();
/// The base OS's own unmap test program (ostest mode=unmap), on the NUMA OS.
[[nodiscard]] bool unmap_ostest();

}  // namespace rootpager
