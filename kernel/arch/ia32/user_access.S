/* user_access.S: reading user memory from the kernel without trusting it.
 *
 * int arch_user_read_word(uint32_t address, uint32_t* out)
 *   Loads the 32-bit word at user `address` (the running thread's space) into
 *   *out and returns 1, or returns 0 when the load faults: the page-fault
 *   handler sees a kernel fault at user_read_fault_ip and resumes at
 *   user_read_fixup instead of stopping the kernel (trap.cc). The caller
 *   checks that the address is below the kernel area first.
 */
    .text
    .global arch_user_read_word
arch_user_read_word:
    movl 4(%esp), %ecx
    .global user_read_fault_ip
user_read_fault_ip:
    movl (%ecx), %eax
    movl 8(%esp), %edx
    movl %eax, (%edx)
    movl $1, %eax
    ret
    .global user_read_fixup
user_read_fixup:
    xorl %eax, %eax
    ret
