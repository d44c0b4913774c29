// string_sink.h: a kstd::CharSink that collects into a std::string (host tests).
#pragma once

#include <string>

#include "lib/format.h"

namespace test {

class StringSink final : public kstd::CharSink {
public:
    void put(char c) override { text.push_back(c); }

    /// The lines that start with "acpi: warning: ", joined.
    std::string warnings() const {
        std::string out;
        size_t start = 0;
        while (start < text.size()) {
            size_t end = text.find('\n', start);
            end = end == std::string::npos ? text.size() : end + 1;
            if (text.compare(start, 15, "acpi: warning: ") == 0) out += text.substr(start, end - start);
            start = end;
        }
        return out;
    }

    std::string text;
};

}  // namespace test
