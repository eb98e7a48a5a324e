/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * DOC: memfd-v2 memfd handover
 *
 * This is the record of a memfd preserved through the Live Update
 * Orchestrator, as mainline Linux writes and reads it ("memfd-v2",
 * mainline 7.3); a memfd preserved by either kernel is retrieved by the
 * other.
 *
 * The handle of the file in the orchestrator's handover (the @data of
 * struct luo_file_ser) is the physical address of struct memfd_luo_ser,
 * which lies at the start of a page allocated with kho_alloc_preserve().
 * The record leads, through a struct kho_vmalloc, to a preserved vmalloc
 * area holding @nr_folios entries of struct memfd_luo_folio_ser. The data
 * is not copied: each folio of the file's page cache is preserved where it
 * is, with kho_preserve_folio() at its own order, and its entry gives its
 * frame number and page index. Page indexes that no entry covers are
 * holes. A file of size 0 has no folios, and then @folios is all zeros.
 *
 * What the record carries is the contents, the size, the file position
 * and the seals; nothing else of the file (its name, mode, owner, times,
 * FD_CLOEXEC) survives. The receiving kernel gives the file it rebuilds
 * the flags every memfd has (O_RDWR | O_LARGEFILE).
 *
 * All numbers are in the CPU's byte order; both structures are packed.
 * Any change to them needs a new compatible string.
 */
#ifndef _LINUX_KHO_ABI_MEMFD_H
#define _LINUX_KHO_ABI_MEMFD_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/fcntl.h>
#include <linux/types.h>
#include <linux/kho/abi/kexec_handover.h>

/* The compatible string of the memfd file handler. */
#define MEMFD_LUO_FH_COMPATIBLE	"memfd-v2"

/*
 * Flags of a folio entry. DIRTY: the folio holds data the file's user
 * wrote (a clean one may be reclaimed as if it were a hole). UPTODATE: the
 * folio has been initialized; a folio without it (fallocate() left it
 * unused) reads as zeros. Mainline sets both on every folio it preserves.
 */
#define MEMFD_LUO_FOLIO_DIRTY		BIT(0)
#define MEMFD_LUO_FOLIO_UPTODATE	BIT(1)

/**
 * struct memfd_luo_folio_ser - one preserved folio of the file
 * @pfn:   its page frame number; entries with 0 are skipped
 * @flags: MEMFD_LUO_FOLIO_DIRTY, MEMFD_LUO_FOLIO_UPTODATE
 * @index: the page index of its first page in the file
 */
struct memfd_luo_folio_ser {
	u64 pfn:52;
	u64 flags:12;
	u64 index;
} __packed;

/*
 * The seals a record may carry. They are the uAPI's F_SEAL_* values, so
 * they are stored as they are; a seal outside this set needs a new
 * compatible string.
 */
#define MEMFD_LUO_ALL_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
				 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | \
				 F_SEAL_EXEC)

/**
 * struct memfd_luo_ser - the record of one memfd
 * @pos:       the file position (f_pos)
 * @size:      the file size in bytes (i_size)
 * @seals:     the file's seals (F_SEAL_*), within MEMFD_LUO_ALL_SEALS
 * @flags:     none are defined: 0
 * @nr_folios: entries of the array @folios holds; 0 when the file has none
 * @folios:    the preserved vmalloc area of struct memfd_luo_folio_ser
 */
struct memfd_luo_ser {
	u64 pos;
	u64 size;
	u32 seals;
	u32 flags;
	u64 nr_folios;
	struct kho_vmalloc folios;
} __packed;

static_assert(sizeof(struct memfd_luo_folio_ser) == 16);
static_assert(sizeof(struct memfd_luo_ser) == 48);

#endif /* _LINUX_KHO_ABI_MEMFD_H */
