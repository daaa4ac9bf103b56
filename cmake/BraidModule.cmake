# braid_add_module(<name> [OPTIONAL] SOURCES <src>... [DEPS <braid module>...] [LIBS <other libs>...])
#
# OPTIONAL marks a module built only where its system dependency is found (braid::mpi): it is
# installed and exported like the others but left out of the umbrella target braid::braid and
# of braid.pc, so programs that do not use it never link its dependency.
# Creates the library target braid_<name> with the alias braid::<name>, exported as braid::<name>.
# Every module's public headers live in include/braid/<name>/; detail/ headers are installed only
# because public headers include them, and are not part of the API.

# Warnings every braid target is compiled with; kept PRIVATE so users are not forced to use them.
add_library(braid_warnings INTERFACE)
# g++ 12 warns when a designated initializer leaves out a member that has a default
# (GCC PR 96868), which is exactly how braid's option structs are meant to be used.
target_compile_options(braid_warnings INTERFACE -Wall -Wextra -Werror -Wpedantic
                                                -Wno-missing-field-initializers)

set(BRAID_MODULES "" CACHE INTERNAL "braid module targets")
# System libraries the static modules link privately, for pkg-config's Libs (BraidInstall).
set(BRAID_PC_PRIVATE_LIBS "" CACHE INTERNAL "system libraries the static modules need")
set(BRAID_OPTIONAL_MODULES "" CACHE INTERNAL "braid optional module targets")

function(braid_add_module name)
  cmake_parse_arguments(ARG "OPTIONAL" "" "SOURCES;DEPS;LIBS" ${ARGN})
  set(target braid_${name})
  add_library(${target} ${ARG_SOURCES})
  add_library(braid::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME braid_${name}
                                             POSITION_INDEPENDENT_CODE ON)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${target} PUBLIC braid::${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC Threads::Threads ${ARG_LIBS})
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:braid_warnings>)
  if(ARG_OPTIONAL)
    set(BRAID_OPTIONAL_MODULES ${BRAID_OPTIONAL_MODULES} ${target}
        CACHE INTERNAL "braid optional module targets")
  else()
    set(BRAID_MODULES ${BRAID_MODULES} ${target} CACHE INTERNAL "braid module targets")
  endif()
endfunction()
