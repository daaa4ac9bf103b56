# Installs the modules, the umbrella target braid::braid, a CMake package (find_package(braid))
# and a pkg-config file (braid.pc).
include(CMakePackageConfigHelpers)

add_library(braid_braid INTERFACE)
add_library(braid::braid ALIAS braid_braid)
set_target_properties(braid_braid PROPERTIES EXPORT_NAME braid)
target_link_libraries(braid_braid INTERFACE ${BRAID_MODULES})

install(TARGETS ${BRAID_MODULES} ${BRAID_OPTIONAL_MODULES} braid_braid EXPORT braidTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/braid DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# braid::mpi's users find MPI again through braid's package.
if(TARGET braid_mpi)
  # FindMPI's C component needs the C language, which a C++-only consumer has not enabled.
  set(BRAID_FIND_MPI [=[
get_property(_braid_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
if(NOT "C" IN_LIST _braid_languages)
  enable_language(C)
endif()
find_dependency(MPI COMPONENTS C)  # braid::mpi links MPI::MPI_C]=])
else()
  set(BRAID_FIND_MPI "")
endif()
set(BRAID_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/braid)
install(EXPORT braidTargets NAMESPACE braid:: DESTINATION ${BRAID_CMAKE_DIR})
configure_package_config_file(cmake/braidConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/braidConfig.cmake INSTALL_DESTINATION ${BRAID_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/braidConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/braidConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/braidConfigVersion.cmake
        DESTINATION ${BRAID_CMAKE_DIR})

# pkg-config: modules are listed dependency-last so static linking resolves.
set(BRAID_PC_LIBS "")
foreach(m IN LISTS BRAID_MODULES)
  string(PREPEND BRAID_PC_LIBS "-l${m} ")
endforeach()
# The prefix is computed from the .pc file's own place, so the installed tree can be moved.
string(APPEND BRAID_PC_LIBS "${BRAID_PC_PRIVATE_LIBS} ")
file(RELATIVE_PATH BRAID_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
configure_file(cmake/braid.pc.in ${CMAKE_CURRENT_BINARY_DIR}/braid.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/braid.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# braid-mpi.pc: braid::mpi with MPI's own flags (Debian's ompi-c.pc).
if(TARGET braid_mpi)
  configure_file(cmake/braid-mpi.pc.in ${CMAKE_CURRENT_BINARY_DIR}/braid-mpi.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/braid-mpi.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
