/*
 * numaprof_output.c: the numaprof plugin's arguments and its report at QEMU's exit
 * (numaprof.c says what the counters hold and what the report's lines mean).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numaprof.h"

/* ---- the report ---------------------------------------------------------- */

static void emit(const char *fmt, ...) {
    char line[2048];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    qemu_plugin_outs(line);
    if (g_out != NULL) fputs(line, g_out);
}

/* What one row shows: a CPU's counters (or a sum of CPUs'), seen from `home`. */
struct row {
    uint64_t kinsns, uinsns, loads, stores;
    uint64_t local[2][2], remote[2][2];  /* [mode][rw] */
    uint64_t io, nonode, cached;
    uint64_t bynode[MAX_NODES];
};

static void add_row(struct row *r, const struct counters *c, unsigned home) {
    r->kinsns += c->insns[KERNEL];
    r->uinsns += c->insns[USER];
    for (unsigned m = 0; m < 2; ++m)
        for (unsigned rw = 0; rw < 2; ++rw)
            for (unsigned s = 0; s < SLOTS; ++s) {
                uint64_t n = c->access[m][rw][s];
                *(rw == LOAD ? &r->loads : &r->stores) += n;
                if (s == SLOT_IO) r->io += n;
                else if (s == SLOT_NONODE) r->nonode += n;
                else if (s == SLOT_CACHED) r->cached += n;
                else {
                    r->bynode[s] += n;
                    *(s == home ? &r->local[m][rw] : &r->remote[m][rw]) += n;
                }
            }
}

static uint64_t sum2(const uint64_t a[2][2], int mode, int rw) {
    uint64_t n = 0;
    for (int m = 0; m < 2; ++m)
        for (int w = 0; w < 2; ++w)
            if ((mode < 0 || m == mode) && (rw < 0 || w == rw)) n += a[m][w];
    return n;
}

static void print_row(const char *prefix, const char *label, const char *human, const struct row *r) {
    uint64_t insns = r->kinsns + r->uinsns;
    uint64_t local = sum2(r->local, -1, -1), remote = sum2(r->remote, -1, -1);
    double ratio = local + remote ? (double)remote / (double)(local + remote) : 0.0;
    double modeled = (double)insns + g_weight_local * (double)local + g_weight_remote * (double)remote;
    char bynode[MAX_NODES * 21] = "";
    for (unsigned n = 0, at = 0; n < g_num_nodes; ++n)
        at += (unsigned)snprintf(bynode + at, sizeof bynode - at, "%s%" PRIu64, n ? ":" : "", r->bynode[n]);
    emit("%-14s %14" PRIu64 " %14" PRIu64 " %12" PRIu64 " %12" PRIu64 " %10" PRIu64 " %7.2f%% %16.0f\n", human,
         insns, r->kinsns, local, remote, r->io + r->nonode, 100.0 * ratio, modeled);
    emit("NUMAPROF %s%s insns=%" PRIu64 " kinsns=%" PRIu64 " uinsns=%" PRIu64 " loads=%" PRIu64 " stores=%" PRIu64
         " local=%" PRIu64 " remote=%" PRIu64 " lloads=%" PRIu64 " rloads=%" PRIu64 " lstores=%" PRIu64
         " rstores=%" PRIu64 " klocal=%" PRIu64 " kremote=%" PRIu64 " ulocal=%" PRIu64 " uremote=%" PRIu64
         " io=%" PRIu64 " nonode=%" PRIu64 " cached=%" PRIu64 " bynode=%s remote_ratio=%.6f modeled=%.1f\n",
         prefix, label, insns, r->kinsns, r->uinsns, r->loads, r->stores, local, remote, sum2(r->local, -1, LOAD),
         sum2(r->remote, -1, LOAD), sum2(r->local, -1, STORE), sum2(r->remote, -1, STORE),
         sum2(r->local, KERNEL, -1), sum2(r->remote, KERNEL, -1), sum2(r->local, USER, -1),
         sum2(r->remote, USER, -1), r->io, r->nonode, r->cached, bynode, ratio, modeled);
}

/* Rows per CPU, per node and in total for one set of per-vCPU counters. */
static void print_table(const char *prefix, const struct counters *per_vcpu) {
    char label[64], human[32];
    emit("%-14s %14s %14s %12s %12s %10s %8s %16s\n", "", "insns", "kernel insns", "local", "remote", "other",
         "remote", "modeled time");
    struct row total;
    memset(&total, 0, sizeof total);
    for (unsigned v = 0; v < g_num_vcpus; ++v) {
        struct row r;
        memset(&r, 0, sizeof r);
        add_row(&r, &per_vcpu[v], g_cpu_node[v]);
        add_row(&total, &per_vcpu[v], g_cpu_node[v]);
        snprintf(label, sizeof label, "cpu=%u node=%u", v, g_cpu_node[v]);
        snprintf(human, sizeof human, "cpu %u (node %u)", v, g_cpu_node[v]);
        print_row(prefix, label, human, &r);
    }
    for (unsigned n = 0; n < g_num_nodes; ++n) {
        struct row r;
        uint64_t served = 0;
        unsigned cpus = 0;
        memset(&r, 0, sizeof r);
        for (unsigned v = 0; v < g_num_vcpus; ++v) {
            struct row all;
            memset(&all, 0, sizeof all);
            add_row(&all, &per_vcpu[v], g_cpu_node[v]);
            served += all.bynode[n];
            if (g_cpu_node[v] != n) continue;
            add_row(&r, &per_vcpu[v], n);
            ++cpus;
        }
        snprintf(label, sizeof label, "node=%u cpus=%u served=%" PRIu64, n, cpus, served);
        snprintf(human, sizeof human, "node %u", n);
        print_row(prefix, label, human, &r);
    }
    print_row(prefix, "total", "total", &total);
}

void numaprof_report(qemu_plugin_id_t id, void *userdata) {
    (void)id;
    (void)userdata;
    struct counters *now = calloc(g_num_vcpus, sizeof(struct counters));
    if (now == NULL) return;
    numaprof_snapshot(now);
    emit("numaprof: guest instructions and data accesses by NUMA node; modeled time = insns + %g x local + "
         "%g x remote accesses (a model, not cycles)\n",
         g_weight_local, g_weight_remote);
    if (g_cache_kb != 0)
        emit("numaprof: with a modeled cache of %u KiB per CPU (%u-way, 64-byte lines): local and remote count "
             "its misses, its hits are 'cached'\n",
             g_cache_kb, CACHE_WAYS);
    emit("NUMAPROF params L=%g R=%g nodes=%u cpus=%u cache_kb=%u\n", g_weight_local, g_weight_remote, g_num_nodes,
         g_num_vcpus, g_cache_kb);
    print_table("", now);
    pthread_mutex_lock(&g_phase_lock);
    for (unsigned number = 0; number < MAX_PHASES; ++number) {
        struct phase *p = g_phases[number];
        if (p == NULL) continue;
        char prefix[64];
        emit("numaprof: phase %u: %u interval(s)%s%s\n", number, p->intervals, p->open ? ", one still open" : "",
             p->unmatched ? ", unmatched markers" : "");
        emit("NUMAPROF phase=%u intervals=%u open=%d unmatched=%u\n", number, p->intervals, p->open, p->unmatched);
        snprintf(prefix, sizeof prefix, "phase=%u intervals=%u ", number, p->intervals);
        print_table(prefix, p->sum);
    }
    pthread_mutex_unlock(&g_phase_lock);
    free(now);
    if (g_out != NULL) fclose(g_out);
    g_out = NULL;
}

/* ---- arguments ----------------------------------------------------------- */

int numaprof_fail(const char *fmt, ...) {
    char line[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    fprintf(stderr, "numaprof: %s\n", line);
    return -1;
}

static int parse_u64(const char *text, char **end, uint64_t *value) {
    errno = 0;
    *value = strtoull(text, end, 0);
    return errno == 0 && *end != text;
}

/* memN=B-E[:B-E...] */
static int parse_ranges(unsigned node, const char *text) {
    const char *p = text;
    for (;;) {
        char *end;
        uint64_t base, limit;
        if (!parse_u64(p, &end, &base) || *end != '-') return numaprof_fail("mem%u=%s: expected BASE-END", node, text);
        if (!parse_u64(end + 1, &end, &limit) || limit <= base) return numaprof_fail("mem%u=%s: bad range", node, text);
        if (g_num_ranges == MAX_RANGES) return numaprof_fail("more than %d memory ranges", MAX_RANGES);
        g_ranges[g_num_ranges++] = (struct range){base, limit, node};
        if (*end == '\0') return 0;
        if (*end != ':') return numaprof_fail("mem%u=%s: ranges are separated by ':'", node, text);
        p = end + 1;
    }
}

static int parse_cpunodes(const char *text) {
    const char *p = text;
    for (unsigned cpu = 0; *p != '\0'; ++cpu) {
        char *end;
        uint64_t node;
        if (!parse_u64(p, &end, &node) || node >= MAX_NODES || (*end != ':' && *end != '\0'))
            return numaprof_fail("cpunodes=%s: expected node numbers below %d separated by ':'", text, MAX_NODES);
        if (cpu >= MAX_VCPUS) return numaprof_fail("cpunodes=%s: too many CPUs", text);
        g_cpu_node[cpu] = (unsigned)node;
        if (node + 1 > g_num_nodes) g_num_nodes = (unsigned)node + 1;
        p = *end == ':' ? end + 1 : end;
    }
    return 0;
}

int numaprof_parse_argument(const char *arg) {
    const char *eq = strchr(arg, '=');
    if (eq == NULL) return numaprof_fail("argument '%s' is not key=value", arg);
    size_t key_len = (size_t)(eq - arg);
    const char *value = eq + 1;
    char *end;
    if (key_len > 3 && strncmp(arg, "mem", 3) == 0) {
        unsigned long node = strtoul(arg + 3, &end, 10);
        if (end != eq || node >= MAX_NODES) return numaprof_fail("'%s': memN takes a node number below %d", arg, MAX_NODES);
        if (node + 1 > g_num_nodes) g_num_nodes = (unsigned)node + 1;
        return parse_ranges((unsigned)node, value);
    }
    if (key_len == 8 && strncmp(arg, "cpunodes", 8) == 0) return parse_cpunodes(value);
    if (key_len == 1 && (arg[0] == 'L' || arg[0] == 'R')) {
        double weight = strtod(value, &end);
        if (end == value || *end != '\0' || weight < 0) return numaprof_fail("'%s': a weight is a number >= 0", arg);
        *(arg[0] == 'L' ? &g_weight_local : &g_weight_remote) = weight;
        return 0;
    }
    if (key_len == 5 && strncmp(arg, "cache", 5) == 0) {
        unsigned long kb = strtoul(value, &end, 10);
        if (end == value || *end != '\0' || kb > 65536) return numaprof_fail("'%s': cache=KB, 0 to 65536", arg);
        g_cache_kb = (unsigned)kb;
        return 0;
    }
    if (key_len == 3 && strncmp(arg, "out", 3) == 0) {
        g_out = fopen(value, "w");
        return g_out != NULL ? 0 : numaprof_fail("out=%s: %s", value, strerror(errno));
    }
    return numaprof_fail("unknown argument '%s' (mem<N>=, cpunodes=, L=, R=, cache=, out=)", arg);
}

