# Project warning flags, applied per target with kaic_target_warnings().
set(KAIC_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor
    -Woverloaded-virtual -Wimplicit-fallthrough
    # Designated initializers leave fields defaulted on purpose.
    -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND KAIC_WARNING_FLAGS -Wthread-safety -Wno-shadow-field-in-constructor)
  list(REMOVE_ITEM KAIC_WARNING_FLAGS -Wshadow=local)
  list(APPEND KAIC_WARNING_FLAGS -Wshadow-uncaptured-local)
  # rapidjson 1.1's iterators declare operator== and operator!= taking a
  # ConstIterator, which C++20's reversed candidates make "ambiguous" for clang
  # in every range-for over a non-const rapidjson object. The comparison is fine.
  list(APPEND KAIC_WARNING_FLAGS -Wno-ambiguous-reversed-operator)
endif()
if(KAIC_WERROR)
  list(APPEND KAIC_WARNING_FLAGS -Werror)
endif()

function(kaic_target_warnings target)
  target_compile_options(${target} PRIVATE ${KAIC_WARNING_FLAGS})
endfunction()
