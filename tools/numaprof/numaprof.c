/*
 * numaprof.c: a QEMU TCG plugin that counts, for every vCPU, the guest
 * instructions it executes and the memory it reads and writes, split by the
 * NUMA node that owns each physical address: local (the vCPU's own node) or
 * remote. It is the emulator's stand-in for the thesis's performance counters
 * (thesis chapter 5; issue 20): QEMU's remote memory is no slower than local,
 * so the plugin counts what real hardware would charge for.
 *
 * Loading (scripts/profile/plugin_args.py writes the option for a preset;
 * mk/profile.mk builds the plugin):
 *
 *   qemu-system-i386 ... -plugin numaprof.so,mem0=0x0-0xa0000:0x100000-0x10000000,
 *       mem1=0x20000000-0x30000000,cpunodes=0:0:1:1 -d plugin [-D file]
 *
 * Arguments (key=value, separated by commas on QEMU's command line):
 *   memN=B-E[:B-E...]  node N (0..15) owns [B, E) of each range (hex or decimal), in the
 *                      addresses qemu_plugin_hwaddr_phys_addr() reports; QEMU 7.2 reports
 *                      a later memory backend's RAM shifted (2x2's node 1, physical
 *                      0x10000000-0x20000000, as above), and plugin_args.py says how
 *   cpunodes=a:b:...   the node of vCPU 0, 1, ... (vCPUs not listed: node 0)
 *   L=1  R=1.4         weights of a local and a remote access in the modeled time
 *   cache=KB           a modeled cache per vCPU (8-way, 64-byte lines, write-invalidate):
 *                      local and remote then count its misses, "cached" its hits
 *                      (default 0: no cache, every access counts, like the thesis's
 *                      runs with caches disabled)
 *   out=FILE           also write the report to FILE (QEMU's log has it with -d plugin)
 * Without memN, all of memory is node 0. A node may own memory and no CPU,
 * or CPUs and no memory (their every access is then remote).
 *
 * What is counted, per vCPU:
 *   - instructions, kernel or user by their virtual address (the kernel runs
 *     at 0xC0000000 and above). They are counted per translation block when
 *     the block starts, so a block left early by an exception counts its
 *     unexecuted rest too.
 *   - data loads and stores, each in the mode of the instruction that made
 *     it, by the node that owns its physical address: local, remote, or
 *     "other" (device memory, "io", and addresses of no node, "nonode").
 *     Instruction fetches and page-table walks are not data accesses and are
 *     not counted; nor is anything the CPU pushes while it delivers a hardware
 *     interrupt. Accesses that an instruction's helper makes (an int or iret
 *     touching the stack and the descriptor tables) count for that instruction.
 * The modeled time is insns + L*local + R*remote: a model, never cycles.
 *
 * Phases (numaprof_marker.h): when any vCPU executes the begin marker of
 * phase P, the plugin copies every vCPU's counters; at P's end marker it adds
 * the difference to P's totals. A phase may run many times (its intervals
 * add up); a begin without an end is reported as open and not counted.
 * The instructions a marker's own block runs after the marker belong to the
 * phase at a begin and not at an end, exactly. Under MTTCG (one host thread
 * per vCPU) the other vCPUs keep running while the copy is taken, so their
 * counts at a marker are those of a moment near it, give or take the block
 * each is in; the vCPU that runs the marker is exact.
 *
 * Output, at QEMU's exit: a table for people (per CPU, per node, total, then
 * per phase) and one "NUMAPROF key=value ..." line per row for scripts:
 *   NUMAPROF params L=1 R=1.4 nodes=2 cpus=4
 *   NUMAPROF cpu=0 node=0 insns=.. kinsns=.. uinsns=.. loads=.. stores=.. local=.. remote=..
 *       lloads=.. rloads=.. lstores=.. rstores=.. klocal=.. kremote=.. ulocal=.. uremote=..
 *       io=.. nonode=.. bynode=a:b remote_ratio=.. modeled=..
 *     (l/r: local/remote, k/u: kernel/user mode; bynode: accesses to each node's memory)
 *   NUMAPROF node=1 cpus=2 served=.. insns=.. ...      (its CPUs' sums; served: accesses to its memory)
 *   NUMAPROF total insns=.. ...
 *   NUMAPROF phase=1 intervals=2 cpu=0 node=0 insns=.. ...   and   NUMAPROF phase=1 intervals=2 total ...
 *
 * Threads: each vCPU's counters are written only by that vCPU's thread
 * (relaxed atomic stores, so that a marker on another vCPU may read them);
 * the phases are guarded by g_phase_lock.
 *
 * numaprof.c counts; numaprof_output.c reads the arguments and writes the report.
 */
#include <stdlib.h>
#include <string.h>

#include "numaprof.h"

NUMAPROF_EXPORT int qemu_plugin_version = NUMAPROF_QEMU_PLUGIN_API_VERSION;

struct vcpu *g_vcpus;
unsigned g_num_vcpus;
unsigned g_cpu_node[MAX_VCPUS];
struct range g_ranges[MAX_RANGES];
unsigned g_num_ranges;
unsigned g_num_nodes = 1;
double g_weight_local = 1.0, g_weight_remote = 1.4;
unsigned g_cache_kb, g_cache_sets;
FILE *g_out;
pthread_mutex_t g_phase_lock = PTHREAD_MUTEX_INITIALIZER;
struct phase *g_phases[MAX_PHASES];

/* ---- counting ------------------------------------------------------------ */

static inline void bump(uint64_t *counter, uint64_t n) {
    __atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static unsigned slot_of(uint64_t phys) {
    for (unsigned i = 0; i < g_num_ranges; ++i)
        if (phys >= g_ranges[i].base && phys < g_ranges[i].end) return g_ranges[i].node;
    return SLOT_NONODE;
}

/* A translation block starts: its instruction counts ride in the user data,
 * kernel ones in bits 32..63, user ones in bits 0..31. */
static void on_block(unsigned vcpu, void *userdata) {
    uintptr_t counts = (uintptr_t)userdata;
    if (vcpu >= g_num_vcpus) return;
    struct counters *c = &g_vcpus[vcpu].c;
    if (counts >> 32) bump(&c->insns[KERNEL], counts >> 32);
    if (counts & 0xffffffffu) bump(&c->insns[USER], counts & 0xffffffffu);
}

/* The modeled cache (cache=KB): true if the line of `phys` is in vCPU `vcpu`'s cache,
 * which then keeps it as its set's most recently used line; a miss brings it in, in
 * place of the set's least recently used one. A store takes the line out of every other
 * vCPU's cache, so their next access misses (write-invalidate). Another vCPU may clear
 * an entry while this one reorders its set: the model can then keep a line it should
 * have lost, rarely; it is a model of locality, not of a real cache. */
static int cache_hit(unsigned vcpu, uint64_t phys, int store) {
    uint64_t line = (phys >> CACHE_LINE_SHIFT) + 1;
    size_t first = (size_t)(line & (g_cache_sets - 1)) * CACHE_WAYS;
    uint64_t *set = &g_vcpus[vcpu].tags[first];
    unsigned way = 0;
    while (way < CACHE_WAYS - 1 && __atomic_load_n(&set[way], __ATOMIC_RELAXED) != line) ++way;
    int hit = __atomic_load_n(&set[way], __ATOMIC_RELAXED) == line;
    for (; way > 0; --way) __atomic_store_n(&set[way], __atomic_load_n(&set[way - 1], __ATOMIC_RELAXED), __ATOMIC_RELAXED);
    __atomic_store_n(&set[0], line, __ATOMIC_RELAXED);
    if (store)
        for (unsigned other = 0; other < g_num_vcpus; ++other) {
            if (other == vcpu) continue;
            uint64_t *theirs = &g_vcpus[other].tags[first];
            for (unsigned w = 0; w < CACHE_WAYS; ++w)
                if (__atomic_load_n(&theirs[w], __ATOMIC_RELAXED) == line) __atomic_store_n(&theirs[w], 0, __ATOMIC_RELAXED);
        }
    return hit;
}

/* One data access; the user data is the mode of the instruction that made it. */
static void on_access(unsigned vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *userdata) {
    if (vcpu >= g_num_vcpus) return;
    unsigned mode = (unsigned)(uintptr_t)userdata;
    unsigned rw = qemu_plugin_mem_is_store(info) ? STORE : LOAD;
    struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, vaddr);
    unsigned slot = SLOT_NONODE;
    if (hw != NULL && qemu_plugin_hwaddr_is_io(hw)) {
        slot = SLOT_IO;
    } else if (hw != NULL) {
        uint64_t phys = qemu_plugin_hwaddr_phys_addr(hw);
        slot = g_cache_sets != 0 && cache_hit(vcpu, phys, rw == STORE) ? SLOT_CACHED : slot_of(phys);
    }
    bump(&g_vcpus[vcpu].c.access[mode][rw][slot], 1);
}

/* ---- phases -------------------------------------------------------------- */

void numaprof_snapshot(struct counters *into) {
    for (unsigned v = 0; v < g_num_vcpus; ++v) {
        const uint64_t *from = (const uint64_t *)&g_vcpus[v].c;
        uint64_t *to = (uint64_t *)&into[v];
        for (size_t i = 0; i < sizeof(struct counters) / sizeof(uint64_t); ++i)
            to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
    }
}

static void add_difference(struct counters *sum, const struct counters *now, const struct counters *then) {
    uint64_t *s = (uint64_t *)sum;
    const uint64_t *a = (const uint64_t *)now, *b = (const uint64_t *)then;
    for (size_t i = 0; i < sizeof(struct counters) / sizeof(uint64_t); ++i) s[i] += a[i] - b[i];
}

static struct phase *phase_locked(unsigned number) {
    if (g_phases[number] == NULL) {
        struct phase *p = calloc(1, sizeof *p);
        if (p == NULL) return NULL;
        p->start = calloc(g_num_vcpus, sizeof(struct counters));
        p->sum = calloc(g_num_vcpus, sizeof(struct counters));
        if (p->start == NULL || p->sum == NULL) {
            free(p->start);
            free(p->sum);
            free(p);
            return NULL;
        }
        g_phases[number] = p;
    }
    return g_phases[number];
}

/* A marker runs. User data: the marker id in bits 0..15, and the kernel and
 * user instructions of its block after it (already counted when the block
 * started) in bits 16..31 and 32..47: they are taken back out of the copy. */
static void on_marker(unsigned vcpu, void *userdata) {
    uintptr_t data = (uintptr_t)userdata;
    unsigned id = data & 0xffffu;
    unsigned number = id & NUMAPROF_MARKER_PHASE_MASK;
    struct counters *now = calloc(g_num_vcpus, sizeof(struct counters));
    if (now == NULL || vcpu >= g_num_vcpus) {
        free(now);
        return;
    }
    pthread_mutex_lock(&g_phase_lock);
    numaprof_snapshot(now);
    now[vcpu].insns[KERNEL] -= (data >> 16) & 0xffffu;
    now[vcpu].insns[USER] -= (data >> 32) & 0xffffu;
    struct phase *p = phase_locked(number);
    if (p != NULL && !(id & NUMAPROF_MARKER_END)) {
        if (p->open) ++p->unmatched;
        memcpy(p->start, now, g_num_vcpus * sizeof(struct counters));
        p->open = 1;
    } else if (p != NULL && !p->open) {
        ++p->unmatched;
    } else if (p != NULL) {
        for (unsigned v = 0; v < g_num_vcpus; ++v) add_difference(&p->sum[v], &now[v], &p->start[v]);
        p->open = 0;
        ++p->intervals;
    }
    pthread_mutex_unlock(&g_phase_lock);
    free(now);
}

/* ---- translation --------------------------------------------------------- */

/* The phase id of a marker instruction, or -1. */
static int marker_id(const struct qemu_plugin_insn *insn) {
    if (qemu_plugin_insn_size(insn) != NUMAPROF_MARKER_BYTES) return -1;
    const uint8_t *b = qemu_plugin_insn_data(insn);
    if (b[0] != NUMAPROF_MARKER_OPCODE0 || b[1] != NUMAPROF_MARKER_OPCODE1 || b[2] != NUMAPROF_MARKER_MODRM ||
        b[3] != NUMAPROF_MARKER_SIB)
        return -1;
    uint32_t disp = b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
    return (disp >> 16) == NUMAPROF_MARKER_MAGIC ? (int)(disp & 0xffffu) : -1;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    uint64_t counts[2] = {0, 0};
    for (size_t i = 0; i < n; ++i) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        unsigned mode = qemu_plugin_insn_vaddr(insn) >= KERNEL_BASE ? KERNEL : USER;
        ++counts[mode];
        qemu_plugin_register_vcpu_mem_cb(insn, on_access, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW,
                                         (void *)(uintptr_t)mode);
    }
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS,
                                         (void *)(uintptr_t)(counts[KERNEL] << 32 | counts[USER]));
    /* Markers, with the instructions of the block that follow each. */
    uint64_t after[2] = {0, 0};
    for (size_t i = n; i-- > 0;) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        int marker = marker_id(insn);
        if (marker >= 0) {
            uintptr_t data = (uintptr_t)marker | (uintptr_t)after[KERNEL] << 16 | (uintptr_t)after[USER] << 32;
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, (void *)data);
        }
        ++after[qemu_plugin_insn_vaddr(insn) >= KERNEL_BASE ? KERNEL : USER];
    }
}

NUMAPROF_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
    if (!info->system_emulation) return numaprof_fail("needs system emulation (qemu-system-i386)");
    g_num_vcpus = (unsigned)(info->system.max_vcpus > info->system.smp_vcpus ? info->system.max_vcpus
                                                                               : info->system.smp_vcpus);
    if (g_num_vcpus == 0 || g_num_vcpus > MAX_VCPUS)
        return numaprof_fail("cannot count %u vCPUs", g_num_vcpus);
    for (int i = 0; i < argc; ++i)
        if (numaprof_parse_argument(argv[i]) != 0) return -1;
    if (g_num_ranges == 0) g_ranges[g_num_ranges++] = (struct range){0, UINT64_MAX, 0};
    g_vcpus = aligned_alloc(64, g_num_vcpus * sizeof(struct vcpu));
    if (g_vcpus == NULL) return numaprof_fail("out of memory");
    memset(g_vcpus, 0, g_num_vcpus * sizeof(struct vcpu));
    if (g_cache_kb != 0) {
        unsigned lines = g_cache_kb * 1024 >> CACHE_LINE_SHIFT;
        g_cache_sets = lines / CACHE_WAYS;
        if (g_cache_sets == 0 || (g_cache_sets & (g_cache_sets - 1)) != 0)
            return numaprof_fail("cache=%u: the size must be a power of two of at least %u KiB", g_cache_kb,
                                 CACHE_WAYS << CACHE_LINE_SHIFT >> 10);
        for (unsigned v = 0; v < g_num_vcpus; ++v)
            if ((g_vcpus[v].tags = calloc(lines, sizeof(uint64_t))) == NULL) return numaprof_fail("out of memory");
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, numaprof_report, NULL);
    return 0;
}
