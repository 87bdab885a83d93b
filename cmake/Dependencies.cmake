# Every dependency is a Debian package installed by scripts/install-deps.sh.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(absl REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(gflags REQUIRED)
find_package(pugixml REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(ZLIB REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)

# rapidjson is header-only; std::string support everywhere.
add_library(kaic_rapidjson INTERFACE)
target_compile_definitions(kaic_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
# rapidjson 1.1 (Debian) computes `nullptr + n` in internal::Stack::Reserve on
# the first push of every parse and deep copy, which UBSan's pointer-overflow
# check aborts on. Benign and fixed upstream, but in a system header we cannot
# patch: everything that uses rapidjson skips that one check.
if(KAIC_SANITIZER STREQUAL "address")
  target_compile_options(kaic_rapidjson INTERFACE -fno-sanitize=pointer-overflow)
endif()

if(KAIC_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(KAIC_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
