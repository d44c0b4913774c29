# proxima_spaces.py: the Proxima GDB command about address spaces,
# proxima-space: a space's areas and its user mappings, from a walk of its
# page tables.
#
# A Space's master directory is a kernel pointer; each present user PDE
# holds the physical address of an 8 KiB block from kmem: 1024 PTEs, then
# 1024 MappingNode pointers (arch/ia32/mm/space_tables.cc). The kernel
# reaches that block through the pool it came from (proxima_numa.py).

import gdb

from proxima_kernel import (KERNEL_BASE, PAGE, TCB_ARRAY_BASE, USER_PDES, ProximaCommand, field_location,
                            parse_number, read_words, tcb_address, typed)
from proxima_numa import pool_translation
from proxima_sched import current_tcb
from proxima_tcb_array import ThreadTable, space_label, space_owners

# arch/ia32/mm/page_table.h: the PTE bits the mappings listing decodes.
PTE_PRESENT = 1 << 0
PTE_WRITABLE = 1 << 1
PTE_FRAME = 0xFFFFF000


def describe_fpage(raw):
    """An X.2 fpage (api/fpage.h): base bits 31..10, log2 size bits 9..4."""
    if raw == 0:
        return "nil"
    log2 = (raw >> 4) & 0x3F
    if log2 == 1 and raw >> 10 == 0:
        return "complete address space"
    base = (raw & ~0x3FF) & ~((1 << log2) - 1) & 0xFFFFFFFF
    return "[%#x, %#x) (fpage %#x)" % (base, base + (1 << log2), raw)


class MappingRun:
    """Contiguous pages mapped to contiguous frames with the same rights and origin."""

    def __init__(self, vaddr, phys, rights, origin):
        self.vaddr, self.phys, self.rights, self.origin = vaddr, phys, rights, origin
        self.pages = 1

    def extends(self, vaddr, phys, rights, origin):
        size = self.pages * PAGE
        return (vaddr == self.vaddr + size and phys == self.phys + size and rights == self.rights
                and origin == self.origin)

    def __str__(self):
        end = self.vaddr + self.pages * PAGE - 1
        return "  %08x-%08x -> %08x  %-3s %6d KiB  %s" % (self.vaddr, end, self.phys, self.rights,
                                                          self.pages * PAGE // 1024, self.origin)


class MappingOrigins:
    """Where the mapping behind a PTE came from, read once per MappingNode."""

    def __init__(self, owners):
        self.owners = owners
        self.parent_offset = field_location("mm::MappingNode", "m_parent")[0]
        self.space_offset = field_location("mm::MappingNode", "m_space")[0]
        self.known = {0: "kernel"}  # no MappingNode: the kernel's own KIP and UTCB pages

    def __call__(self, node):
        if node not in self.known:
            parent = read_words(node + self.parent_offset, 1)[0]
            if parent == 0:
                self.known[node] = "root"
            else:
                parent_space = read_words(parent + self.space_offset, 1)[0]
                self.known[node] = "from " + space_label(parent_space, self.owners)
        return self.known[node]


def mapping_runs(directory, owners):
    """(pages mapped, [MappingRun]) of the user half of page directory `directory`."""
    to_virt = pool_translation()
    origin_of = MappingOrigins(owners)
    runs = []
    pages = 0
    for index, pde in enumerate(read_words(directory, USER_PDES)):
        if not pde & PTE_PRESENT:
            continue
        words = read_words(to_virt(pde & PTE_FRAME), 2 * 1024)  # PTEs, then their MappingNode pointers
        for slot in range(1024):
            pte = words[slot]
            if not pte & PTE_PRESENT:
                continue
            pages += 1
            vaddr = (index << 22) | (slot << 12)
            phys = pte & PTE_FRAME
            rights = "rw" if pte & PTE_WRITABLE else "r"
            origin = origin_of(words[1024 + slot])
            if runs and runs[-1].extends(vaddr, phys, rights, origin):
                runs[-1].pages += 1
            else:
                runs.append(MappingRun(vaddr, phys, rights, origin))
    return pages, runs


class ProximaSpace(ProximaCommand):
    """Print an address space: home node, X.2 areas, and its user mappings.

Usage: proxima-space [SPACE]
SPACE is the address of an mm::Space, or a thread whose space to print:
a thread number, a global id, or an address in the TCB array. Without it:
the space of the thread running on the selected CPU.

The mappings come from walking the 768 user entries of the master page
directory and every present page table. Pages are merged into runs
(virtual range -> first physical address) while both addresses stay
contiguous and the rights and origin stay the same. Rights are what the
PTE allows: r, or rw (IA32 without PAE cannot forbid execution). The
origin is the space the mapping was derived from (its MappingNode's
parent), `root` for a mapping without parent (sigma0's), `kernel` for
pages the kernel put there itself (the KIP and UTCB pages)."""

    def __init__(self):
        super().__init__("proxima-space")

    def run(self, argument):
        value = parse_number(argument, "proxima-space")
        if value is None or value < KERNEL_BASE or value >= TCB_ARRAY_BASE:
            tcb = current_tcb() if value is None else tcb_address(value)
            space = int(typed(tcb, "thread::Tcb")["m_space"])
            if space == 0:
                raise gdb.GdbError("thread at TCB %#x has no address space (idle or not set up)" % tcb)
        else:
            space = value
        owners = space_owners(ThreadTable().threads())
        self.print_space(space, owners)

    def print_space(self, space_address, owners):
        space = typed(space_address, "mm::Space")
        home = int(space["m_home_node"])
        threads = int(space["m_threads"])
        privileged = ", privileged" if int(space["m_privileged"]) else ""
        print("space %s: home node %d, %d thread%s%s" % (space_label(space_address, owners), home, threads,
                                                         "" if threads == 1 else "s", privileged))
        print("  KIP area  %s" % describe_fpage(int(space["m_kip_area"]["m_raw"])))
        print("  UTCB area %s" % describe_fpage(int(space["m_utcb_area"]["m_raw"])))
        directory = int(space["m_directory"])
        if directory == 0:
            print("  no page directory")
            return
        # Lab 2: the CPUs that ran the space have their own copy of the directory.
        copies = space["m_directory_phys"]
        used = ["cpu %d %08x" % (cpu, int(copies[cpu])) for cpu in range(int(copies.type.range()[1]) + 1)
                if int(copies[cpu]) != 0]
        print("  directories: master at %#x (kernel virtual); per cpu (physical): %s"
              % (directory, ", ".join(used) if used else "none yet"))
        pages, runs = mapping_runs(directory, owners)
        print("  %d pages mapped in %d runs:" % (pages, len(runs)))
        print("  %-17s    %-8s  %-3s %10s  %s" % ("virtual", "physical", "", "size", "origin"))
        for run in runs:
            print(run)


ProximaSpace()
