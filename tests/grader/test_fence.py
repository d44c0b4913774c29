"""The fence (proxima_grader/fence.py) on the real kernel's Lab 1: the reference
solutions and the handout pass it; every attack an adversarial student tried
is a violation that names the file, the rule and what was used; a student who
uses only what the handout allows sees nothing. Then a user-level lab file
(UserFence): the user programs' flags, no kdebug, printf, end of run or
command line, no inline assembly.

Each attack is the reference kmem.cc (or node_pool.cc) with a few lines added,
checked in a scratch copy of the kit's kernel/ with the kit's compiler flags.
Nothing is built or booted: the fence runs before the build.
"""

import shutil
import sys
import tempfile
import unittest
from pathlib import Path

KIT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(KIT / "grader"))

from proxima_grader import fence  # noqa: E402

LAB1 = "labs/lab1-node-allocator"
KMEM = "kernel/mm/kmem.cc"
NODE_POOL = "kernel/mm/node_pool.cc"
SOLUTION = KIT / "solutions" / "lab1"


@unittest.skipUnless(SOLUTION.is_dir(), "a handout has no solutions/ (the fence is tested in the kit)")
class Fence(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.flags = fence.kernel_cxxflags(KIT)
        cls.scratch = Path(tempfile.mkdtemp(prefix="proxima-fence-test-"))
        shutil.copytree(KIT / "kernel", cls.scratch / "kernel")
        shutil.copytree(KIT / LAB1, cls.scratch / LAB1)
        (cls.scratch / "grader" / "hidden").mkdir(parents=True)
        (cls.scratch / "grader" / "hidden" / "lab1.toml").write_text('name = "lab1.hidden.SECRET_NAME"\n')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch)

    def setUp(self):
        for relative in (KMEM, NODE_POOL):
            shutil.copyfile(SOLUTION / relative, self.scratch / relative)

    def check(self, relative=KMEM, text=None, append="", prepend=""):
        if text is None:
            text = (SOLUTION / relative).read_text()
        (self.scratch / relative).write_text(prepend + text + append)
        return fence.check_labs(self.scratch, [(1, self.scratch / LAB1, [NODE_POOL, KMEM])], self.flags)

    def violation(self, report, rule, words):
        matching = [v for v in report.violations if v.rule == rule]
        self.assertTrue(matching, f"no {rule} violation; got {[str(v) for v in report.violations]}")
        text = "\n".join(str(v) for v in matching)
        for word in words:
            self.assertIn(word, text)
        return matching

    # ---- what must pass ----------------------------------------------------------

    def test_the_reference_solutions_pass(self):
        report = self.check()
        self.assertTrue(report.ok, [str(v) for v in report.violations])
        self.assertEqual(report.checked, [NODE_POOL, KMEM])
        self.assertEqual(report.warnings, [])

    def test_the_handout_passes(self):
        for relative in (KMEM, NODE_POOL):
            shutil.copyfile(KIT / relative, self.scratch / relative)
        report = fence.check_labs(self.scratch, [(1, self.scratch / LAB1, [NODE_POOL, KMEM])], self.flags)
        self.assertTrue(report.ok, [str(v) for v in report.violations])

    def test_lab_printf_and_allowed_calls_are_no_violation(self):
        report = self.check(prepend='#include "lib/lab.h"\n', append='''
static void debug_dump() { lab_printf("pools: %u", unsigned(kmem::pools().on(0).size())); }
''')
        self.assertTrue(report.ok, [str(v) for v in report.violations])

    def test_a_global_helper_is_told_to_be_static(self):
        report = self.check(append="int helper_of_mine() { return 1; }\n")
        self.violation(report, "define", ["helper_of_mine()", "anonymous namespace or is static"])

    # ---- the attacks --------------------------------------------------------------

    def test_rewriting_the_test_table_declared_by_hand(self):
        # The quiet forgery: point every test's run() at an empty function.
        report = self.check(append='''
namespace ktest { struct Context; struct Test { const char* name; void (*run)(Context&); bool e; }; }
extern "C" ktest::Test _ktests_start[], _ktests_end[];
static void nothing(ktest::Context&) {}
namespace kmem { void forge() { for (auto* t = _ktests_start; t != _ktests_end; ++t) t->run = nothing; } }
''')
        self.violation(report, "call", ["kernel/mm/kmem.cc", "_ktests_start", "fence.toml"])

    def test_including_the_test_harness(self):
        report = self.check(prepend='#include "test/ktest.h"\n')
        self.violation(report, "include", ["kernel/mm/kmem.cc:1", '"test/ktest.h"'])

    def test_reading_the_nonce_from_the_boot_options(self):
        report = self.check(prepend='#include "platform/boot_options.h"\n')
        self.violation(report, "include", ['"platform/boot_options.h"'])

    def test_open_forgery_with_declarations_of_its_own(self):
        report = self.check(append='''
namespace platform { struct BootOptions { char nonce[64]; }; const BootOptions& boot_options();
                     enum class ExitStatus { Success = 0x10 }; [[noreturn]] void debug_exit(ExitStatus); }
void kprintf(const char*, ...);
namespace kmem { void forge() {
    kprintf("KTEST %s lab1.alignment PASS\\n", platform::boot_options().nonce);
    platform::debug_exit(platform::ExitStatus::Success);
} }
''')
        self.violation(report, "call", ["kprintf(char const*, ...)", "platform::boot_options()",
                                        "platform::debug_exit"])

    def test_hidden_test_file_by_relative_include(self):
        report = self.check(prepend='#include "../../grader/hidden/lab1.toml"\n')
        self.violation(report, "include", ["kernel/mm/kmem.cc:1"])
        self.assertNotIn("SECRET_NAME", "\n".join(str(v) for v in report.violations))

    def test_host_file_by_absolute_include(self):
        report = self.check(prepend='#include "/etc/hostname"\n')
        self.violation(report, "include", ['"/etc/hostname"'])

    def test_computed_and_hidden_includes(self):
        report = self.check(prepend='#define HIDE "lib/console.h"\n#include HIDE\n'
                                    '#if __has_include("/etc/passwd")\n#endif\n'
                                    '# /* a comment */ include_next <stdint.h>\n')
        found = self.violation(report, "include", [])
        self.assertEqual(sorted(v.line for v in found), [2, 3, 5])

    def test_inline_assembly_on_the_debug_exit_port(self):
        report = self.check(append='''
static void leave() { asm volatile("outb %0, %1" : : "a"(uint8_t(0x10)), "Nd"(uint16_t(0xF4))); }
''')
        self.violation(report, "asm", ["kernel/mm/kmem.cc:", "inline assembly"])

    def test_inline_assembly_hidden_behind_a_macro(self):
        report = self.check(append='''
#define QUIET __asm__ __volatile__
static void leave() { QUIET("outb %%al, $0xf4" : : "a"(0x10)); }
''')
        self.violation(report, "asm", ["inline assembly"])

    def test_a_line_directive_cannot_pass_assembly_off_as_a_headers(self):
        report = self.check(append='#line 1 "' + str(self.scratch / "kernel/mm/kmem.h") + '"\n'
                                   'namespace kmem { void leave() { asm volatile("outb %%al, $0xf4" : : "a"(0x10)); } }\n')
        self.violation(report, "include", ["#line"])

    def test_assembly_outside_functions(self):
        report = self.check(append='asm(".pushsection .ktests\\n.long 0\\n.popsection");\n')
        self.violation(report, "asm", [])

    def test_a_global_constructor_that_runs_before_the_tests(self):
        report = self.check(append='''
namespace { int early() { return int(kmem::pools().on(0).size()); } }
namespace kmem { int g_early = early(); }
''')
        self.violation(report, "section", [".init_array", "global constructor"])

    def test_constructor_and_section_attributes(self):
        report = self.check(append='''
[[gnu::constructor]] static void first() {}
__attribute__((section(".ktests"), used)) static const int fake_test = 1;
''')
        found = self.violation(report, "attribute", ["constructor", "section", "used"])
        self.assertGreaterEqual(len(found), 3)

    def test_attributes_spelled_with_digraphs(self):
        report = self.check(append='<:<:gnu::used:>:> static const int kept_anyway = 1;\n')
        self.violation(report, "attribute", ["used"])

    def test_a_pragma(self):
        report = self.check(append='#pragma clang section data=".ktests"\nint placed = 1;\n')
        self.violation(report, "pragma", ["#pragma"])

    def test_defining_a_kernel_function(self):
        # Replacing the console, or a test's helper, by a definition of its own.
        report = self.check(append='void kprintf(const char*, ...) {}\n')
        self.violation(report, "define", ["kprintf(char const*, ...)"])

    def test_a_header_that_reaches_the_console_is_refused_even_if_allowed(self):
        lab = self.scratch / LAB1 / "fence.toml"
        original = lab.read_text()
        try:
            lab.write_text(original.replace('"stddef.h",', '"stddef.h", "boot/initial_servers.h",'))
            report = self.check(prepend='#include "boot/initial_servers.h"\n')
            self.violation(report, "header", ["platform/multiboot.h"])
        finally:
            lab.write_text(original)

    def test_assembly_in_a_students_own_header_is_caught(self):
        # Later labs name headers in their manifests: what a student writes there
        # is checked like the file that includes it.
        lab = self.scratch / LAB1 / "fence.toml"
        original = lab.read_text()
        header = self.scratch / "kernel/mm/lab_helper.h"
        try:
            lab.write_text(original.replace('"stddef.h",', '"stddef.h", "mm/lab_helper.h",'))
            header.write_text('#pragma once\ninline void lab_leave() { asm volatile("outb %%al, $0xf4" : : "a"(0x10)); }\n')
            (self.scratch / KMEM).write_text('#include "mm/lab_helper.h"\n' + (SOLUTION / KMEM).read_text()
                                             + "namespace kmem { void leave() { lab_leave(); } }\n")
            report = fence.check_labs(self.scratch, [(1, self.scratch / LAB1, [NODE_POOL, KMEM, "kernel/mm/lab_helper.h"])],
                                      self.flags)
            self.violation(report, "asm", ["kernel/mm/kmem.cc", "inline assembly"])
        finally:
            lab.write_text(original)
            header.unlink()

    def test_a_function_pointer_cast_is_shown_to_the_instructor(self):
        report = self.check(append='''
static void call_at(uintptr_t address) { reinterpret_cast<void (*)(int)>(address)(0x10); }
''')
        self.assertTrue(report.ok, [str(v) for v in report.violations])
        self.assertTrue(any("function pointer" in w for w in report.warnings), report.warnings)

    def test_a_file_that_does_not_compile_is_left_to_the_build(self):
        report = self.check(append="this is not C++;\n")
        self.assertTrue(report.ok)
        self.assertEqual(report.unchecked, [KMEM])

    def test_a_word_in_a_string_or_comment_is_no_violation(self):
        report = self.check(append='''
// asm, section, constructor: words in a comment
static const char* lab1_words() { return "asm __attribute__((section)) #pragma"; }
''')
        self.assertTrue(report.ok, [str(v) for v in report.violations])


USER_LAB = "labs/lab9-user"
USER_FILE = "userland/labx/pools.cc"
USER_FENCE = """\
headers = ["l4/lab.h", "l4/sigma0_client.h", "api/fpage.h", "stdint.h", "labx/helper.h"]
calls = ["l4::lab_printf(char const*, ...)", "l4::lab_missing(unsigned int, char const*, char const*)",
         "l4::sigma0::*"]
defines = ["labx::*"]
"""
CLEAN_USER_FILE = """\
// pools.cc: a user-level lab file (the fence's test: a root pager's pool code).
#include "l4/lab.h"
#include "l4/sigma0_client.h"

namespace labx {

unsigned take_pools(unsigned nodes) {
    if (nodes == 0) {
        // LAB 9: your code here
        l4::lab_missing(9, "userland/labx/pools.cc", "labx::take_pools");
    }
    l4::lab_printf("taking %u pools", nodes);
    return nodes;
}

}  // namespace labx
"""


@unittest.skipUnless(shutil.which("clang++"), "the fence compiles with clang++")
class UserFence(unittest.TestCase):
    """The fence on a user-level lab file (a manifest path under userland/): the
    user programs' flags, and the user-level headers that print, end the run or
    read the command line are out of reach."""

    @classmethod
    def setUpClass(cls):
        cls.flags = fence.user_cxxflags(KIT)
        cls.scratch = Path(tempfile.mkdtemp(prefix="proxima-user-fence-test-"))
        shutil.copytree(KIT / "kernel", cls.scratch / "kernel")
        shutil.copytree(KIT / "userland" / "lib", cls.scratch / "userland" / "lib")
        (cls.scratch / USER_LAB).mkdir(parents=True)
        (cls.scratch / "userland" / "labx").mkdir()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch)

    def check(self, text, fence_text=USER_FENCE):
        (self.scratch / USER_LAB / "fence.toml").write_text(fence_text)
        (self.scratch / USER_FILE).write_text(text)
        return fence.check_labs(self.scratch, [(9, self.scratch / USER_LAB, [USER_FILE])], user_flags=self.flags)

    def violation(self, report, rule, words):
        matching = [v for v in report.violations if v.rule == rule]
        self.assertTrue(matching, f"no {rule} violation; got {[str(v) for v in report.violations]}")
        text = "\n".join(str(v) for v in matching)
        for word in words:
            self.assertIn(word, text)

    def test_files_under_userland_are_user_level(self):
        self.assertTrue(fence.is_user_file("userland/rootpager/pools.cc"))
        self.assertFalse(fence.is_user_file("kernel/mm/kmem.cc"))
        self.assertIn("-Iuserland/lib", self.flags)

    def test_a_clean_file_passes_with_the_user_flags(self):
        report = self.check(CLEAN_USER_FILE)
        self.assertTrue(report.ok, [str(v) for v in report.violations])
        self.assertEqual((report.checked, report.unchecked), ([USER_FILE], []))
        self.assertIn("l4::lab_printf(char const*, ...)", report.symbols[USER_FILE])

    def test_including_kdebug_is_refused(self):
        report = self.check('#include "l4/kdebug.h"\n' + CLEAN_USER_FILE)
        self.violation(report, "include", [f"{USER_FILE}:1", '"l4/kdebug.h"'])

    def test_kdebug_print_and_run_end_are_out_of_reach_even_if_allowed(self):
        for header in ("l4/kdebug.h", "l4/print.h", "l4/run_end.h", "l4/options.h", "l4/test_runner.h"):
            with self.subTest(header):
                fence_text = USER_FENCE.replace('"stdint.h",', f'"stdint.h", "{header}",')
                report = self.check(f'#include "{header}"\n' + CLEAN_USER_FILE, fence_text)
                self.violation(report, "header", [f"reaches userland/lib/{header}"])

    def test_a_kit_header_that_reaches_the_end_of_a_run_is_refused(self):
        helper = self.scratch / "userland/lib/labx/helper.h"
        helper.parent.mkdir(exist_ok=True)
        helper.write_text('#pragma once\n#include "l4/run_end.h"\n')
        try:
            report = self.check('#include "labx/helper.h"\n' + CLEAN_USER_FILE)
            self.violation(report, "header", ["reaches userland/lib/l4/run_end.h"])
        finally:
            helper.unlink()

    def test_inline_assembly_is_refused(self):
        for code in ('asm volatile("outb %0, %1" : : "a"(uint8_t(0x10)), "Nd"(uint16_t(0xF4)));',
                     'asm volatile("int3\\n\\tcmpb $1, %%al" : : "a"("KTEST"));'):
            with self.subTest(code):
                report = self.check('#include <stdint.h>\n' + CLEAN_USER_FILE
                                    + "namespace { [[maybe_unused]] void leave() { " + code + " } }\n")
                self.violation(report, "asm", [USER_FILE, "inline assembly"])

    def test_printing_through_its_own_declaration_is_refused(self):
        report = self.check(CLEAN_USER_FILE + """
namespace l4 { void printf(const char*, ...); namespace kdebug { void puts(const char*); } }
namespace labx { void forge(const char* nonce) { l4::printf("KTEST %s x PASS\\n", nonce); l4::kdebug::puts(nonce); } }
""")
        self.violation(report, "call", ["l4::printf(char const*, ...)", "l4::kdebug::puts(char const*)"])


if __name__ == "__main__":
    unittest.main()
