# Writes OUT, a C file holding the bytes of IN as lab_embedded_topology.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* Generated from ${IN}: do not edit. */\n#include <stddef.h>\n"
  "extern const char lab_embedded_topology[];\nextern const size_t lab_embedded_topology_len;\n"
  "const char lab_embedded_topology[] = {${bytes} 0};\n"
  "const size_t lab_embedded_topology_len = ${len};\n")
