/*
 * numaprof_marker.h: phase markers that guest code executes and the numaprof
 * plugin (tools/numaprof/numaprof.c) recognises.
 *
 * A marker is an 8-byte no-op, the long NOP form that compilers use for
 * padding, with a displacement that carries the marker:
 *
 *   nopl disp32(%eax,%eax,1)  =  0F 1F 84 00  d0 d1 d2 d3   (disp32 little-endian)
 *
 *   disp32:  31            16 15  14             0
 *           +----------------+---+----------------+
 *           | magic 0x5052   |end| phase number   |
 *           +----------------+---+----------------+
 *
 * The CPU reads no memory for a NOP, whatever its operand says, so a marker
 * changes nothing in the guest: without the plugin it costs one instruction.
 * The plugin sees the bytes when QEMU translates the code. "end" is 0 for the
 * marker that begins a phase and 1 for the one that ends it; the plugin
 * reports what every vCPU did between the two (numaprof.c says how).
 *
 * Usable from C and C++, freestanding (kernel, user programs) and hosted (the
 * plugin). The marker macros are for IA32 guests compiled by GCC or clang:
 * the id must be a compile-time constant, which the "i" constraint turns into
 * the instruction's immediate displacement. They are macros, not inline
 * functions, because an "i" operand needs a constant even at -O0.
 *
 *   numaprof_begin(1);
 *   ... the code to measure ...
 *   numaprof_end(1);
 */
#ifndef NUMAPROF_MARKER_H
#define NUMAPROF_MARKER_H

#define NUMAPROF_MARKER_MAGIC 0x5052u       /* "PR" */
#define NUMAPROF_MARKER_END 0x8000u         /* bit 15 of the id: 1 = end, 0 = begin */
#define NUMAPROF_MARKER_PHASE_MASK 0x7fffu  /* bits 14..0 of the id: the phase number */
#define NUMAPROF_MARKER_BYTES 8u
/* The first four bytes: opcode 0F 1F, ModRM 84 (disp32 + SIB), SIB 00 (eax + eax*1). */
#define NUMAPROF_MARKER_OPCODE0 0x0fu
#define NUMAPROF_MARKER_OPCODE1 0x1fu
#define NUMAPROF_MARKER_MODRM 0x84u
#define NUMAPROF_MARKER_SIB 0x00u

/* The displacement of marker `id` (16 bits: end flag and phase number). */
#define NUMAPROF_MARKER_DISP(id) ((NUMAPROF_MARKER_MAGIC << 16) | ((id) & 0xffffu))

#if defined(__i386__) && defined(__GNUC__)
/* Executes marker `id`. The memory clobber keeps the compiler from moving
 * loads and stores across it. */
#define numaprof_mark(id)                                                             \
    __asm__ __volatile__(".byte 0x0f, 0x1f, 0x84, 0x00\n\t.long %c0" ::"i"(NUMAPROF_MARKER_DISP(id)) \
                         : "memory")
#define numaprof_begin(phase) numaprof_mark((phase) & NUMAPROF_MARKER_PHASE_MASK)
#define numaprof_end(phase) numaprof_mark(NUMAPROF_MARKER_END | ((phase) & NUMAPROF_MARKER_PHASE_MASK))
#endif

#endif
