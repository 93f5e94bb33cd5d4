# Sourced by the scripts that run a release-tree program: the path and the check that it was built.
parley_release_tool() {
  local tool="build/release/bin/$1" caller
  caller=$(basename "${BASH_SOURCE[1]}")
  if [ ! -x "$tool" ]; then
    echo "$caller: $tool is missing; build the release tree first (make demo, make vectors)" >&2
    exit 2
  fi
  echo "$tool"
}
