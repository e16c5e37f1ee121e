/* The parser descriptors, for code that names one directly (unit tests,
 * fuzz targets) instead of going through parser_table. One line per
 * parser; each engineer appends the lines of their own formats. No include
 * guard on purpose: the file is only extern declarations, which may repeat,
 * so lines can be appended at the end. */
#include "parse/parser.h"

extern const struct parser parser_pf;
extern const struct parser parser_filterlog;
extern const struct parser parser_ipfw;
extern const struct parser parser_ipmon;
extern const struct parser parser_mikrotik;
extern const struct parser parser_winfw;
extern const struct parser parser_kv_generic;
extern const struct parser parser_cisco_ios;
extern const struct parser parser_cisco_asa;
extern const struct parser parser_junos;
extern const struct parser parser_fortigate;
extern const struct parser parser_sonicwall;
extern const struct parser parser_checkpoint;
extern const struct parser parser_sshd;
extern const struct parser parser_dropbear;
extern const struct parser parser_ftpd;
extern const struct parser parser_tcp_wrappers;
extern const struct parser parser_xinetd;
extern const struct parser parser_scanlogd;
extern const struct parser parser_portsentry;
extern const struct parser parser_psad;
extern const struct parser parser_netfilter;
extern const struct parser parser_pve_firewall;
extern const struct parser parser_pcap;
extern const struct parser parser_honeyd;
extern const struct parser parser_cowrie;
extern const struct parser parser_kippo;
extern const struct parser parser_dionaea;
extern const struct parser parser_opencanary;
extern const struct parser parser_zeek_conn;
extern const struct parser parser_suricata;
extern const struct parser parser_dshield;
extern const struct parser parser_weblog;
extern const struct parser parser_iis;
extern const struct parser parser_weblog_json;
