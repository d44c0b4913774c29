/*
 * qemu_plugin_api.h: the part of QEMU's TCG plugin interface that numaprof uses.
 *
 * Debian 12 ships QEMU 7.2, which loads plugins, but not the development
 * header that declares their interface. These declarations are ours, written
 * from the plugin API documentation for API version 1, the version QEMU 7.2
 * implements (QEMU 8 moved to version 2 and changed some of these calls, so
 * this file is for 7.2 only). The plugin is a shared object; QEMU resolves the
 * qemu_plugin_* calls below against its own executable when it loads it.
 *
 * What QEMU requires of a plugin:
 *  - an exported int `qemu_plugin_version`, the API version it was built for
 *    (QEMU 7.2 refuses a plugin without it, or with a version above 1);
 *  - an exported `qemu_plugin_install`, called once with the plugin's
 *    "key=value" arguments; a non-zero return refuses the load.
 *
 * Layouts and numbers QEMU fixes (they must match 7.2 exactly):
 *  - qemu_info_t: the architecture name, the {min, cur} API versions, whether
 *    this is system emulation, then (system emulation) the number of vCPUs
 *    and their maximum;
 *  - enum qemu_plugin_cb_flags: 0 no register access, 1 reads, 2 reads and
 *    writes;
 *  - enum qemu_plugin_mem_rw: 1 loads, 2 stores, 3 both;
 *  - qemu_plugin_meminfo_t: a 32-bit opaque word describing one access.
 */
#ifndef NUMAPROF_QEMU_PLUGIN_API_H
#define NUMAPROF_QEMU_PLUGIN_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NUMAPROF_EXPORT __attribute__((visibility("default")))
#define NUMAPROF_QEMU_PLUGIN_API_VERSION 1

typedef uint64_t qemu_plugin_id_t;
typedef uint32_t qemu_plugin_meminfo_t;

typedef struct {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;

/* Opaque handles: valid only inside the callback that received them. */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_hwaddr;

enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS = 0,
    QEMU_PLUGIN_CB_R_REGS = 1,
    QEMU_PLUGIN_CB_RW_REGS = 2,
};

enum qemu_plugin_mem_rw {
    QEMU_PLUGIN_MEM_R = 1,
    QEMU_PLUGIN_MEM_W = 2,
    QEMU_PLUGIN_MEM_RW = 3,
};

/* Callback types: a block being translated; a block or instruction about to
 * run on a vCPU; one memory access done by a vCPU; the end of the run. */
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr,
                                          void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

/* Provided by the plugin. */
extern NUMAPROF_EXPORT int qemu_plugin_version;
NUMAPROF_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);

/* Provided by QEMU. Registration: at install time (translation, exit), or
 * inside the translation callback (per block, per instruction). */
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

/* The instructions of a block being translated. insn_data points at the
 * instruction's bytes (insn_size of them), valid during the callback. */
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

/* One memory access, inside a memory callback. get_hwaddr answers NULL when
 * QEMU cannot say where the access went. */
bool qemu_plugin_mem_is_store(qemu_plugin_meminfo_t info);
struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info, uint64_t vaddr);
bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr);
uint64_t qemu_plugin_hwaddr_phys_addr(const struct qemu_plugin_hwaddr *haddr);

/* Text to QEMU's log: shown with -d plugin, to stderr or to -D file. */
void qemu_plugin_outs(const char *string);

#endif
