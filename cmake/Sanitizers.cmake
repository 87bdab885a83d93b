# Whole-build sanitizers: KAIC_SANITIZER=address (ASan + UBSan) or thread (TSan).
if(KAIC_SANITIZER STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  # With clang, the same build carries libFuzzer's coverage instrumentation
  # so that tests/fuzz can explore the libraries it calls.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    set(KAIC_FUZZ ON)
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
elseif(KAIC_SANITIZER STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT KAIC_SANITIZER STREQUAL "")
  message(FATAL_ERROR "KAIC_SANITIZER must be '', 'address' or 'thread', not '${KAIC_SANITIZER}'")
endif()
