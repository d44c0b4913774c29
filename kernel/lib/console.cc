// console.cc: kprintf over the 16550 UART (see console.h).
#include "lib/console.h"

#include "lib/format.h"
#include "lib/spin_lock.h"
#include "platform/uart16550.h"

namespace {

SpinLock g_console_lock;
platform::Uart16550 g_uart(platform::kCom1Port);

class UartSink final : public kstd::CharSink {
public:
    void put(char c) override {
        if (c == '\n') g_uart.write('\r');
        g_uart.write(c);
    }
};

}  // namespace

namespace console {

void init() { g_uart.init(); }

int try_read_char() { return g_uart.try_read(); }

void break_lock() { g_console_lock.force_unlock(); }

}  // namespace console

void kvprintf(const char* fmt, va_list args) {
    IrqSpinLockGuard guard(g_console_lock);
    UartSink sink;
    kstd::vformat(sink, fmt, args);
}

void kprintf(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    kvprintf(fmt, args);
    va_end(args);
}
