// An image attachment's inline thumbnail (spec §12.4) drawn with text, so that `parley chat` shows
// the picture before anyone fetches the file: libchafa turns the decoded JPEG into character cells,
// in 24-bit colour when the terminal has colour and in plain block symbols otherwise.
#pragma once

#include <string>

#include "parley/core/bytes.h"

namespace parley::cli {

// The thumbnail as lines at most `columns` cells wide, each starting with `indent` and ending in a
// newline; empty when the bytes are not a JPEG that can be read (the caption line says enough).
std::string render_picture(core::BytesView jpeg, int columns, bool colour, const std::string& indent);

}  // namespace parley::cli
