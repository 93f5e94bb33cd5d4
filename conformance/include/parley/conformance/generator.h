// `parley-conformance generate NAME`: the vector files this project publishes (spec/vectors/).
//
// A generated file is named by its file name without ".json" (spec/test-vectors.md §1.1): the type
// alone for a type's first file (`ratchet-transcript`), `<type>-<topic>` for each further file of
// that type (`ratchet-transcript-conversations`). A name, not a type, selects a generator: a type
// may have several files, and published files never change, so new cases go in a new file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parley/core/error.h"

namespace parley::conformance {

struct GeneratedFile {
  std::string_view type;   // the file's "type" field
  std::string_view topic;  // empty for the type's first file

  // "<type>" or "<type>-<topic>": the file is spec/vectors/<name>.json and its seed label is
  // "parley <name> v1" (spec/test-vectors.md §1.3).
  std::string name() const;
};

// The whole file text (pretty-printed JSON ending in a newline). The output depends only on the
// code and the labelled seed, so regenerating reproduces the committed file byte for byte.
// An unknown name is `unsupported`.
core::Result<std::string> generate(std::string_view name);

// Every generated file, in registry order.
std::vector<GeneratedFile> generated_files();

}  // namespace parley::conformance
