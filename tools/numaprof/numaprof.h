/*
 * numaprof.h: what the two halves of the numaprof plugin share (numaprof.c counts,
 * numaprof_output.c parses the arguments and writes the report): the counters, the
 * machine's node map and the phases. numaprof.c's opening comment says what is counted.
 */
#ifndef NUMAPROF_H
#define NUMAPROF_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "api/numaprof_marker.h"
#include "qemu_plugin_api.h"

/* Callbacks carry small counts packed into their user-data pointer. */
_Static_assert(sizeof(uintptr_t) >= 8, "numaprof needs a 64-bit host");

#define MAX_NODES 16
#define MAX_RANGES 64
#define MAX_VCPUS 256
#define MAX_PHASES (NUMAPROF_MARKER_PHASE_MASK + 1)
#define KERNEL_BASE 0xC0000000u
#define SLOT_IO MAX_NODES           /* device memory */
#define SLOT_NONODE (MAX_NODES + 1) /* RAM or ROM of no node, or no address at all */
#define SLOT_CACHED (MAX_NODES + 2) /* a hit in the modeled cache (cache=KB): no memory access */
#define SLOTS (MAX_NODES + 3)
#define CACHE_LINE_SHIFT 6          /* 64-byte lines */
#define CACHE_WAYS 8

enum mode { USER = 0, KERNEL = 1 };
enum rw { LOAD = 0, STORE = 1 };

struct counters {
    uint64_t insns[2];             /* [mode] */
    uint64_t access[2][2][SLOTS];  /* [mode][rw][node, SLOT_IO or SLOT_NONODE] */
};

/* One per vCPU, on its own cache lines: only its vCPU's thread writes it. With
 * cache=KB, `tags` is its modeled cache: g_cache_sets sets of CACHE_WAYS line numbers
 * + 1 (0: empty), each set most recently used first. */
struct vcpu {
    struct counters c;
    uint64_t *tags;
} __attribute__((aligned(64)));

struct range {
    uint64_t base, end;
    unsigned node;
};

struct phase {
    int open;                  /* a begin marker without its end yet */
    unsigned intervals;        /* begin..end pairs counted */
    unsigned unmatched;        /* ends without a begin, begins that restarted an open phase */
    struct counters *start;    /* [vcpu] at the open begin marker */
    struct counters *sum;      /* [vcpu] over all intervals */
};

extern struct vcpu *g_vcpus;
extern unsigned g_num_vcpus;            /* vcpu_index < this */
extern unsigned g_cpu_node[MAX_VCPUS];  /* [vcpu] home node */
extern struct range g_ranges[MAX_RANGES];
extern unsigned g_num_ranges;
extern unsigned g_num_nodes;
extern double g_weight_local, g_weight_remote;
extern unsigned g_cache_kb, g_cache_sets;  /* cache=KB; 0: no cache model */
extern FILE *g_out;                     /* out=FILE, or NULL */
extern pthread_mutex_t g_phase_lock;
extern struct phase *g_phases[MAX_PHASES];  /* created at their first marker */

/* numaprof.c: every vCPU's counters now, into `into` [g_num_vcpus]. */
void numaprof_snapshot(struct counters *into);

/* numaprof_output.c */
int numaprof_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int numaprof_parse_argument(const char *arg);
void numaprof_report(qemu_plugin_id_t id, void *userdata);  /* at QEMU's exit */

#endif
