# kaic_add_gtest(<name> SOURCES ... LIBS ... [LABELS ...])
# One gtest executable; each TEST/TEST_P case becomes its own ctest test.
include(GoogleTest)
function(kaic_add_gtest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gmock GTest::gtest_main)
  # gtest and gmock are most of what each test file compiles: with clang (the
  # sanitizer builds) parse them once per test binary. Not with g++ 12: with
  # them precompiled it misreports std::string copies as -Warray-bounds.
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_precompile_headers(${name} PRIVATE <gtest/gtest.h> <gmock/gmock.h>)
  endif()
  # Test files share most of what they include: compile them a few at a time
  # in one translation unit (names in a test file's anonymous namespace must
  # therefore be unique within its test binary).
  set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 6)
  kaic_target_warnings(${name})
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    NO_PRETTY_VALUES
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}"
               ENVIRONMENT "KAIC_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
