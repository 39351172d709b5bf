// SPDX-License-Identifier: LGPL-2.1-or-later
// Text that quotes input bytes (an excerpt of a bad JSON line, a caps field
// name) must still be valid UTF-8: GLib, PyGObject and terminals choke on
// anything else.
#pragma once

#include <string>
#include <string_view>

namespace fastaudio {

// `bytes` with every byte that is not part of a well-formed UTF-8 sequence,
// and every control character but tab and newline, written as \xNN.
std::string escape_bytes(std::string_view bytes);

}  // namespace fastaudio
