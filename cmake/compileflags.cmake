# One INTERFACE target carries the project's compile flags; every target links it.
add_library(mp_flags INTERFACE)
target_compile_options(mp_flags INTERFACE -Wall -Wextra -Wpedantic)
target_compile_definitions(mp_flags INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_NARROWING_CONVERSIONS_IN_CONNECT QT_USE_QSTRINGBUILDER)
if(MAILPIVOT_SANITIZE)
    target_compile_options(mp_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(mp_flags INTERFACE -fsanitize=address,undefined)
endif()

# mp_add_library(NAME DIR DEPS...): a static library of every .cpp in DIR.
function(mp_add_library name dir)
    file(GLOB _src CONFIGURE_DEPENDS ${dir}/*.cpp ${dir}/*.h)
    add_library(${name} STATIC ${_src})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/core)
    target_link_libraries(${name} PUBLIC mp_flags ${ARGN})
endfunction()
