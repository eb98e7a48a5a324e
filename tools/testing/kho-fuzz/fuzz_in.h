/* SPDX-License-Identifier: GPL-2.0-only */
/* Input format of fuzz_in (see fuzz_in.c), shared with its seed generator. */
#ifndef _KHO_FUZZ_IN_H
#define _KHO_FUZZ_IN_H

#include <stdint.h>

#define FUZZ_INITRD_START	0x2800000UL
#define FUZZ_INITRD_END		0x2a00000UL

#define FUZZ_CMDLINES		2
#define FUZZ_CMDLINE_LEN	32
#define FUZZ_OPS		4

enum fuzz_op_kind {
	FUZZ_OP_NONE,
	FUZZ_OP_RESTORE_FOLIO,		/* kho_restore_folio(phys), then put */
	FUZZ_OP_RESTORE_PAGES,		/* kho_restore_pages(phys, nr), then free */
	FUZZ_OP_PAGES_PRESERVED,	/* kho_pages_preserved(phys, nr) */
	FUZZ_OP_RELEASE_PAGES,		/* kho_release_pages(phys, nr) */
	FUZZ_OP_RESTORE_FREE,		/* kho_restore_free(phys_to_virt(phys)) */
	FUZZ_OP_SUBTREES,		/* look up every subtree by name */
	/*
	 * kho_restore_folio_range(phys, nr pages); a nonzero pad & 0xffff
	 * fails the callback's call of that number.
	 */
	FUZZ_OP_RESTORE_RANGE,
	FUZZ_OP_COUNT,
};

struct fuzz_op {
	uint32_t op;
	uint32_t pad;
	uint64_t phys;
	uint64_t nr;
};

/* All little-endian, as x86 hands them over. */
struct fuzz_in_header {
	uint64_t fdt_phys;
	uint64_t fdt_len;
	uint64_t scratch_phys;
	uint64_t scratch_len;
	char cmdline[FUZZ_CMDLINES][FUZZ_CMDLINE_LEN];	/* reserve_mem= values */
	struct fuzz_op ops[FUZZ_OPS];
};

/* Followed by any number of: a record, then @len bytes to put at @phys. */
struct fuzz_record {
	uint64_t phys;
	uint32_t len;
} __packed;

struct fuzz_range {
	uint64_t start;
	uint64_t end;
};

void fuzz_machine_reset(void);
int fuzz_in_make_seeds(const char *dir);

/* From the other files of the fuzzed kernel. */
void fuzz_memblock_save(void);
void fuzz_memblock_reset(void);
void fuzz_memblock_can_resize(int can);
int fuzz_reserve_mem(char *arg);
void fuzz_scratch_reset(void);
void fuzz_memblock_kho_reset(void);
void fuzz_reset_node_pages(unsigned long top);
extern int (*fuzz_late_reserve_mem_kho_init)(void);
extern int (*fuzz_late_sync_kho_in_report_unrestored)(void);
extern int fuzz_early_mapped;
extern unsigned int fuzz_offline_subsection;
extern int fuzz_early_slots;
void fuzz_percpu_reset(void);

#endif /* _KHO_FUZZ_IN_H */
