/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * DOC: luo-v5 Live Update Orchestrator handover
 *
 * This is the Kexec HandOver ABI of the Live Update Orchestrator, as
 * mainline Linux writes and reads it ("luo-v5", mainline 7.3); a session
 * preserved by either kernel is retrieved by the other.
 *
 * The state hangs off one subtree of the root FDT, named "LUO", whose blob
 * is a preserved page holding struct luo_ser. All integers are in the
 * CPU's byte order; all addresses are physical; every structure is packed.
 *
 * Sessions and the files of each session are arrays kept in chains of
 * serialization blocks (struct kho_block_header_ser): one preserved page
 * each, a header naming the next block (0 ends the chain) and how many
 * entries follow the header in this block, at least one. Entries never
 * straddle two blocks. The sending kernel allocates the blocks with
 * kho_alloc_preserve(); the receiving kernel frees them once it has read
 * them.
 *
 * Each preserved file names its handler by a compatible string (the
 * memfd handler's is "memfd-v2"); the handler's own record is reached
 * through @data of struct luo_file_ser, which only the handler reads.
 *
 * File-lifecycle-bound objects (FLBs: state shared by several preserved
 * files, kept in one array of struct luo_flb_ser after a header) are
 * described here so that a kernel without any can still read and free
 * what a kernel with some sent. @flbs_pa may be 0.
 */
#ifndef _LINUX_KHO_ABI_LUO_H
#define _LINUX_KHO_ABI_LUO_H

#include <linux/align.h>
#include <linux/types.h>
#include <uapi/linux/liveupdate.h>

/* Name of the root FDT's subtree that holds struct luo_ser. */
#define LUO_KHO_ENTRY_NAME		"LUO"
#define LUO_ABI_COMPATIBLE		"luo-v5"
/* The compatible field: the string and its NUL, padded to 8 bytes. */
#define LUO_ABI_COMPAT_LEN		ALIGN(sizeof(LUO_ABI_COMPATIBLE), 8)

/**
 * struct luo_ser - the LUO subtree's blob
 * @compatible:     LUO_ABI_COMPATIBLE, NUL-padded
 * @liveupdate_num: live updates so far, counting the one this describes
 * @sessions_pa:    first block of the struct luo_session_ser chain, or 0
 * @flbs_pa:        struct luo_flb_header_ser, or 0
 */
struct luo_ser {
	char compatible[LUO_ABI_COMPAT_LEN];
	u64 liveupdate_num;
	u64 sessions_pa;
	u64 flbs_pa;
} __packed;

/* Room for a file handler's compatible string, NUL included. */
#define LIVEUPDATE_HNDL_COMPAT_LENGTH	48

/**
 * struct luo_file_ser - one preserved file
 * @compatible: its handler's compatible string, NUL-terminated
 * @data:       the handler's own handle for its record
 * @token:      the agent's token for the file
 */
struct luo_file_ser {
	char compatible[LIVEUPDATE_HNDL_COMPAT_LENGTH];
	u64 data;
	u64 token;
} __packed;

/**
 * struct luo_file_set_ser - the files of one session
 * @files: first block of the struct luo_file_ser chain, or 0
 * @count: number of files in the chain
 */
struct luo_file_set_ser {
	u64 files;
	u64 count;
} __packed;

/**
 * struct luo_session_ser - one session
 * @name:         its name, NUL-terminated
 * @file_set_ser: its files
 */
struct luo_session_ser {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct luo_file_set_ser file_set_ser;
} __packed;

/* Room for an FLB's compatible string, NUL included. */
#define LIVEUPDATE_FLB_COMPAT_LENGTH	48

/**
 * struct luo_flb_header_ser - the FLB array
 * @pgcnt: pages of the preserved area this header starts, itself included
 * @count: entries of struct luo_flb_ser after the header
 *
 * The area is one kho_alloc_preserve() allocation of @pgcnt pages.
 */
struct luo_flb_header_ser {
	u64 pgcnt;
	u64 count;
} __packed;

/**
 * struct luo_flb_ser - one file-lifecycle-bound object
 * @name:  its compatible string, NUL-terminated
 * @data:  its owner's handle for the object's record
 * @count: preserved files that depended on it
 */
struct luo_flb_ser {
	char name[LIVEUPDATE_FLB_COMPAT_LENGTH];
	u64 data;
	u64 count;
} __packed;

#endif /* _LINUX_KHO_ABI_LUO_H */
