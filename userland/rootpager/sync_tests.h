// sync_tests.h: Lab 5's tests, master-pager synchronisation (thesis 4.2.1 and 4.2.5;
// docs/numaos.md): where a task's pages lie in each of its per-node spaces. Each test
// runs numaprobe (userland/apps/numaprobe) with a thread on every CPU and, at the
// probe's reports (numa/probe_protocol.h), reads the frame behind every page in every
// thread's space from the kernel (kdebug physical_in_space), and each space's node
// (space_home_node), never the pagers' records. tests.h lists them; tests.cc's table
// runs them.
#pragma once

namespace rootpager {

[[nodiscard]] bool sync_first_touch();
[[nodiscard]] bool sync_one_frame_shared();
[[nodiscard]] bool sync_make_local();
[[nodiscard]] bool sync_code_promotion();
[[nodiscard]] bool sync_exit_frees_all();

}  // namespace rootpager
