# Third-party libraries, all from Debian 12 packages (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(BOTAN REQUIRED IMPORTED_TARGET botan-2)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
# BLAKE2s for Noise: Botan 2 has BLAKE2b only.
pkg_check_modules(LIBB2 REQUIRED IMPORTED_TARGET libb2)
# The reference server's embedded store (WAL, STRICT tables and RETURNING need 3.37).
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3>=3.37)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
if(PARLEY_TESTS)
  find_package(GTest REQUIRED)
  find_package(rapidcheck REQUIRED)
  include(GoogleTest)
endif()
if(PARLEY_BENCH AND NOT PARLEY_FUZZ)
  find_package(benchmark REQUIRED)
endif()
