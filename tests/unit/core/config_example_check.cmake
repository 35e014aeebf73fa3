# Fails unless `ccsd --config CONFIG --print-config` equals the defaults
# apart from the source column.
execute_process(COMMAND ${CCSD} --print-config OUTPUT_VARIABLE defaults RESULT_VARIABLE rc1)
execute_process(COMMAND ${CCSD} --config ${CONFIG} --print-config OUTPUT_VARIABLE from_file
                RESULT_VARIABLE rc2)
if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
  message(FATAL_ERROR "ccsd --print-config failed: ${rc1} ${rc2}")
endif()
string(REPLACE "# file;" "# default;" from_file "${from_file}")
if(NOT defaults STREQUAL from_file)
  message(FATAL_ERROR "config/ccsd.yaml differs from the defaults:\n${defaults}\n---\n${from_file}")
endif()
