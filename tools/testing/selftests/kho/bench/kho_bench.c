// SPDX-License-Identifier: GPL-2.0-only
/*
 * kho_bench: how fast Kexec HandOver preserves and restores memory.
 *
 * One source that builds against our 6.12 series and against mainline
 * Linux: it uses only the mainline KHO API, except for the batch restore
 * of our series, which it measures too when the tree has it
 * (KHO_BENCH_BATCH below).
 *
 * Loaded with kho=on and nothing handed over (stage 1), it allocates
 * mib= MiB of folios of order order= (-1: a mix of orders 0, 3 and 9),
 * writes a check word into each, and times kho_preserve_folio() over them
 * (over half of them, and our batch kho_preserve_folios() over the other
 * half, where the tree has it). It also preserves ranges= page ranges of 1023 pages with
 * kho_preserve_pages() and a vmalloc area of vmalloc_mib= MiB, and
 * describes everything in the subtree "kho_bench". A reboot notifier
 * notes the TSC when kexec starts.
 *
 * Loaded after the kexec (stage 2), it first restores the page ranges and
 * the vmalloc area, then the folios in four equal shares, timing each: one
 * thread with kho_restore_folio(), two threads with it, then (with the
 * batch API) one and two threads restoring by address range. Each share is
 * every fourth of 64 slices of the sorted list, so that all four sample
 * the same memory. Only the restore is timed; then each folio's check word
 * is verified. Last it prints the blackout: the time from
 * kexec to the moment all data was verified, by the TSC, which kexec does
 * not reset.
 *
 * Every result is one line "kho_bench: result NAME VALUE UNIT" (VALUE may
 * be negative for kexec_clock_us, see kho_bench_report_kexec()), which
 * harness/bench.sh collects; a failure is "kho_bench: FAILED: ...".
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/sched/clock.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <asm/tsc.h>

/*
 * Kbuild sets KHO_BENCH_BATCH=1 when the tree has our batch calls,
 * kho_restore_folio_range() and kho_preserve_folios().
 */
#ifndef KHO_BENCH_BATCH
#define KHO_BENCH_BATCH 0
#endif

#define KHO_BENCH_SUBTREE	"kho_bench"
#define KHO_BENCH_MAGIC		0x3148434e45424b4bULL	/* "KKBENCH1" */
#define KHO_BENCH_RANGE_PAGES	1023
#define KHO_BENCH_MAX_RANGES	256
#define KHO_BENCH_ORDER_MASK	0xfffULL	/* order in an entry's low bits */

static unsigned int mib;
module_param(mib, uint, 0444);
MODULE_PARM_DESC(mib, "MiB of folios to preserve");
static int order;
module_param(order, int, 0444);
MODULE_PARM_DESC(order, "their order, or -1 for a mix of 0, 3 and 9");
static unsigned int ranges;
module_param(ranges, uint, 0444);
MODULE_PARM_DESC(ranges, "page ranges of 1023 pages to preserve");
static unsigned int vmalloc_mib;
module_param(vmalloc_mib, uint, 0444);
MODULE_PARM_DESC(vmalloc_mib, "MiB of vmalloc area to preserve");

/* The subtree: one page. Folio entries are phys | order. */
struct kho_bench_blob {
	u64 magic;
	u64 tsc_at_kexec;
	u64 nr_folios;
	u64 nr_ranges;
	u64 vmalloc_pages;
	struct kho_vmalloc folios;
	struct kho_vmalloc area;
	u64 ranges[KHO_BENCH_MAX_RANGES];
};

static struct kho_bench_blob *kho_bench_blob;

static void kho_bench_result(const char *name, u64 value, const char *unit)
{
	pr_info("result %s %llu %s\n", name, value, unit);
}

static u64 kho_bench_word(phys_addr_t phys)
{
	return phys ^ KHO_BENCH_MAGIC;
}

static unsigned int kho_bench_order(unsigned long i)
{
	static const unsigned int mix[] = { 0, 3, 9 };

	return order >= 0 ? order : mix[i % ARRAY_SIZE(mix)];
}

static int kho_bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Allocate folios until @bytes are held; returns how many, in @list. */
static unsigned long kho_bench_alloc(u64 *list, unsigned long max, u64 bytes)
{
	unsigned long n = 0;
	struct folio *folio;
	phys_addr_t phys;
	u64 held = 0;

	while (held < bytes && n < max) {
		folio = folio_alloc(GFP_KERNEL | __GFP_NOWARN,
				    kho_bench_order(n));
		if (!folio)
			break;
		phys = PFN_PHYS(folio_pfn(folio));
		*(u64 *)folio_address(folio) = kho_bench_word(phys);
		list[n++] = phys | folio_order(folio);
		held += folio_size(folio);
	}
	return n;
}

static struct folio *kho_bench_folio(u64 entry)
{
	return pfn_folio(PHYS_PFN(entry & ~KHO_BENCH_ORDER_MASK));
}

#if KHO_BENCH_BATCH
/* The second half of the list, with the batch call of our series. */
static int kho_bench_preserve_batch(const u64 *list, unsigned long n)
{
	struct folio **folios;
	unsigned long i;
	ktime_t t0;
	int err;

	folios = vmalloc(array_size(n ?: 1, sizeof(*folios)));
	if (!folios)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		folios[i] = kho_bench_folio(list[i]);
	t0 = ktime_get();
	err = kho_preserve_folios(folios, n);
	if (!err && n)
		kho_bench_result("preserve_batch_ns",
				 ktime_to_ns(ktime_sub(ktime_get(), t0)) / n, "ns");
	vfree(folios);
	return err;
}
#endif

static int kho_bench_preserve_folios(const u64 *list, unsigned long n)
{
	unsigned long i, single = KHO_BENCH_BATCH ? n / 2 : n;
	ktime_t t0;
	int err;

	t0 = ktime_get();
	for (i = 0; i < single; i++) {
		err = kho_preserve_folio(kho_bench_folio(list[i]));
		if (err) {
			pr_err("FAILED: kho_preserve_folio: %d\n", err);
			return err;
		}
	}
	if (single)
		kho_bench_result("preserve_folio_ns",
				 ktime_to_ns(ktime_sub(ktime_get(), t0)) / single, "ns");
#if KHO_BENCH_BATCH
	err = kho_bench_preserve_batch(list + single, n - single);
	if (err) {
		pr_err("FAILED: kho_preserve_folios: %d\n", err);
		return err;
	}
#endif
	kho_bench_result("preserved_folios", n, "folios");
	return 0;
}

static int kho_bench_preserve_ranges(struct kho_bench_blob *blob)
{
	unsigned int i;
	void *pages;
	ktime_t spent = 0, t0;
	int err;

	for (i = 0; i < min(ranges, KHO_BENCH_MAX_RANGES); i++) {
		pages = alloc_pages_exact(KHO_BENCH_RANGE_PAGES * PAGE_SIZE,
					  GFP_KERNEL);
		if (!pages)
			return -ENOMEM;
		*(u64 *)pages = kho_bench_word(virt_to_phys(pages));
		t0 = ktime_get();
		err = kho_preserve_pages(virt_to_page(pages),
					 KHO_BENCH_RANGE_PAGES);
		spent = ktime_add(spent, ktime_sub(ktime_get(), t0));
		if (err)
			return err;
		blob->ranges[blob->nr_ranges++] = virt_to_phys(pages);
	}
	if (blob->nr_ranges)
		kho_bench_result("preserve_pages_1023_ns",
				 ktime_to_ns(spent) / blob->nr_ranges, "ns");
	return 0;
}

static int kho_bench_preserve_area(struct kho_bench_blob *blob)
{
	unsigned long i, pages = (unsigned long)vmalloc_mib << (20 - PAGE_SHIFT);
	void *area;
	ktime_t t0;
	int err;

	if (!pages)
		return 0;
	area = vmalloc(pages * PAGE_SIZE);
	if (!area)
		return -ENOMEM;
	for (i = 0; i < pages; i++)
		*(u64 *)(area + i * PAGE_SIZE) = kho_bench_word(i);
	t0 = ktime_get();
	err = kho_preserve_vmalloc(area, &blob->area);
	if (err)
		return err;
	kho_bench_result("preserve_vmalloc_ms",
			 ktime_to_ms(ktime_sub(ktime_get(), t0)), "ms");
	blob->vmalloc_pages = pages;
	return 0;
}

static int kho_bench_kexec_notify(struct notifier_block *nb,
				  unsigned long action, void *data)
{
	if (kho_bench_blob)
		kho_bench_blob->tsc_at_kexec = rdtsc();
	/* The console shows how long the rest of this kernel's kexec takes. */
	pr_info("kexec starts\n");
	return NOTIFY_DONE;
}

static struct notifier_block kho_bench_reboot_nb = {
	.notifier_call = kho_bench_kexec_notify,
};

/* Stage 1. What it allocates stays allocated: the next kernel gets it. */
static int kho_bench_save(void)
{
	unsigned long max = ((u64)mib << 20) >> PAGE_SHIFT, n;
	struct kho_bench_blob *blob;
	u64 *list;
	int err;

	blob = kho_alloc_preserve(sizeof(*blob));
	if (IS_ERR(blob))
		return PTR_ERR(blob);
	blob->magic = KHO_BENCH_MAGIC;
	list = vmalloc(array_size(max ?: 1, sizeof(*list)));
	if (!list)
		return -ENOMEM;
	n = kho_bench_alloc(list, max, (u64)mib << 20);
	if (((u64)n << PAGE_SHIFT) < ((u64)mib << 20) && order == 0) {
		pr_err("FAILED: only %lu pages could be allocated\n", n);
		return -ENOMEM;
	}
	/* Sorted, the four restore parts are four address ranges. */
	sort(list, n, sizeof(*list), kho_bench_cmp, NULL);
	err = kho_bench_preserve_folios(list, n);
	if (!err)
		err = kho_preserve_vmalloc(list, &blob->folios);
	blob->nr_folios = n;
	if (!err)
		err = kho_bench_preserve_ranges(blob);
	if (!err)
		err = kho_bench_preserve_area(blob);
	if (!err)
		err = kho_add_subtree(KHO_BENCH_SUBTREE, blob, sizeof(*blob));
	if (err) {
		pr_err("FAILED: preserving: %d\n", err);
		return err;
	}
	kho_bench_blob = blob;
	register_reboot_notifier(&kho_bench_reboot_nb);
	pr_info("preserved %lu folios, %llu ranges, %llu vmalloc pages\n",
		n, blob->nr_ranges, blob->vmalloc_pages);
	return 0;
}

/*
 * The four ways of restoring (one and two threads, single calls and by
 * range) each take every fourth slice of the sorted folio list, so that
 * each samples the whole address range. With four quarters, a method's
 * figure would also depend on where its quarter lies, if restoring costs
 * more in some parts of memory than in others (under TCG the host backs
 * the guest's memory map, and how may differ by region).
 */
#define KHO_BENCH_WAYS		4
#define KHO_BENCH_SLICES	(16 * KHO_BENCH_WAYS)

/* Slice @s of a list of @n entries: [*first, *end). */
static void kho_bench_slice(unsigned long n, unsigned int s,
			    unsigned long *first, unsigned long *end)
{
	*first = n * s / KHO_BENCH_SLICES;
	*end = n * (s + 1) / KHO_BENCH_SLICES;
}

/*
 * What one thread restores: slices way, way + 4, ... of the list, or with
 * two threads every other one of those. The restored folios are only
 * collected while the clock runs; checking their contents and freeing them
 * comes after, so that the figures are the restore's alone.
 */
struct kho_bench_part {
	const u64 *list;
	unsigned long n;		/* entries in the whole list */
	unsigned int way, thread, threads;
	bool batch;
	unsigned long want;		/* folios in this part's slices */
	struct folio **folios;
	unsigned long restored;
	struct completion *start;
	struct completion done;
};

/* Does slice @s belong to @part? */
static bool kho_bench_part_has(const struct kho_bench_part *part, unsigned int s)
{
	return s % KHO_BENCH_WAYS == part->way &&
	       (s / KHO_BENCH_WAYS) % part->threads == part->thread;
}

static unsigned long kho_bench_part_size(const struct kho_bench_part *part)
{
	unsigned long first, end, n = 0;
	unsigned int s;

	for (s = 0; s < KHO_BENCH_SLICES; s++) {
		kho_bench_slice(part->n, s, &first, &end);
		if (kho_bench_part_has(part, s))
			n += end - first;
	}
	return n;
}

/* A folio beyond the part's share is not the benchmark's: freed, counted. */
static void kho_bench_collect(struct kho_bench_part *part, struct folio *folio)
{
	if (part->restored < part->want)
		part->folios[part->restored] = folio;
	else
		folio_put(folio);
	part->restored++;
}

#if KHO_BENCH_BATCH
static int kho_bench_batch_one(struct folio *folio, void *arg)
{
	kho_bench_collect(arg, folio);
	return 0;
}
#endif

/* Check and free what a part restored; returns the folios that changed. */
static unsigned long kho_bench_check(struct kho_bench_part *part)
{
	unsigned long i, bad = 0;
	struct folio *folio;

	for (i = 0; i < min(part->restored, part->want); i++) {
		folio = part->folios[i];
		if (*(u64 *)folio_address(folio) !=
		    kho_bench_word(PFN_PHYS(folio_pfn(folio))))
			bad++;
		folio_put(folio);
	}
	return bad;
}

static phys_addr_t kho_bench_entry_phys(u64 entry)
{
	return entry & ~KHO_BENCH_ORDER_MASK;
}

/* Restore list[first..end) one folio at a time, or as one address range. */
static void kho_bench_restore_slice(struct kho_bench_part *part,
				    unsigned long first, unsigned long end)
{
	struct folio *folio;
	unsigned long i;

#if KHO_BENCH_BATCH
	if (part->batch) {
		phys_addr_t lo = kho_bench_entry_phys(part->list[first]);
		phys_addr_t hi = kho_bench_entry_phys(part->list[end - 1]);
		unsigned int hi_order = part->list[end - 1] & KHO_BENCH_ORDER_MASK;

		kho_restore_folio_range(lo, hi + (PAGE_SIZE << hi_order) - lo,
					kho_bench_batch_one, part);
		return;
	}
#endif
	for (i = first; i < end; i++) {
		folio = kho_restore_folio(kho_bench_entry_phys(part->list[i]));
		if (folio)
			kho_bench_collect(part, folio);
	}
}

static void kho_bench_restore_part(struct kho_bench_part *part)
{
	unsigned long first, end;
	unsigned int s;

	for (s = 0; s < KHO_BENCH_SLICES; s++) {
		kho_bench_slice(part->n, s, &first, &end);
		if (kho_bench_part_has(part, s) && first < end)
			kho_bench_restore_slice(part, first, end);
	}
}

static int kho_bench_thread(void *arg)
{
	struct kho_bench_part *part = arg;

	wait_for_completion(part->start);
	kho_bench_restore_part(part);
	complete(&part->done);
	return 0;
}

/*
 * Restore way @way's slices of list[0..n) with @threads threads; report
 * ns per folio of wall time. Returns the folios that failed.
 */
static unsigned long kho_bench_restore(const char *name, const u64 *list,
				       unsigned long n, unsigned int way,
				       unsigned int threads, bool batch)
{
	struct kho_bench_part parts[2] = {};
	unsigned long bad = 0, restored = 0, want = 0;
	DECLARE_COMPLETION_ONSTACK(start);
	struct task_struct *task;
	struct folio **folios;
	unsigned int t;
	ktime_t t0, spent;
	char result[48];

	for (t = 0; t < threads; t++) {
		parts[t] = (struct kho_bench_part) {
			.list = list, .n = n, .way = way, .thread = t,
			.threads = threads, .batch = batch, .start = &start,
		};
		parts[t].want = kho_bench_part_size(&parts[t]);
		init_completion(&parts[t].done);
		want += parts[t].want;
	}
	folios = vmalloc(array_size(want ?: 1, sizeof(*folios)));
	if (!folios)
		return want ?: 1;	/* reported as a failure by the caller */
	parts[0].folios = folios;
	if (threads > 1)
		parts[1].folios = folios + parts[0].want;
	/* Helper threads start and wait first: the clock times restores only. */
	for (t = 0; t + 1 < threads; t++) {
		task = kthread_run(kho_bench_thread, &parts[t], "kho_bench%u", t);
		if (IS_ERR(task)) {
			pr_err("FAILED: %s: no thread: %ld\n", name, PTR_ERR(task));
			complete_all(&start);
			kho_bench_thread(&parts[t]);
		}
	}
	t0 = ktime_get();
	complete_all(&start);
	kho_bench_restore_part(&parts[threads - 1]);
	for (t = 0; t + 1 < threads; t++)
		wait_for_completion(&parts[t].done);
	spent = ktime_sub(ktime_get(), t0);
	for (t = 0; t < threads; t++) {
		bad += kho_bench_check(&parts[t]);
		restored += parts[t].restored;
	}
	vfree(folios);
	if (want) {
		snprintf(result, sizeof(result), "%s_ns", name);
		kho_bench_result(result, ktime_to_ns(spent) / want, "ns");
	}
	if (restored != want)
		pr_err("FAILED: %s: %lu of %lu folios restored\n", name,
		       restored, want);
	if (bad)
		pr_err("FAILED: %s: %lu folios changed\n", name, bad);
	return bad + (restored != want);
}

static unsigned long kho_bench_restore_ranges(const struct kho_bench_blob *blob)
{
	unsigned long bad = 0, i, p;
	struct page *page;
	ktime_t spent = 0, t0;

	for (i = 0; i < blob->nr_ranges; i++) {
		t0 = ktime_get();
		page = kho_restore_pages(blob->ranges[i], KHO_BENCH_RANGE_PAGES);
		spent = ktime_add(spent, ktime_sub(ktime_get(), t0));
		if (!page || *(u64 *)page_address(page) !=
			     kho_bench_word(blob->ranges[i])) {
			bad++;
			continue;
		}
		for (p = 0; p < KHO_BENCH_RANGE_PAGES; p++)
			__free_page(page + p);
	}
	if (blob->nr_ranges)
		kho_bench_result("restore_pages_1023_ns",
				 ktime_to_ns(spent) / blob->nr_ranges, "ns");
	if (bad)
		pr_err("FAILED: %lu page ranges not restored whole\n", bad);
	return bad;
}

static unsigned long kho_bench_restore_area(const struct kho_bench_blob *blob)
{
	unsigned long bad = 0, i;
	void *area;
	ktime_t t0;

	if (!blob->vmalloc_pages)
		return 0;
	t0 = ktime_get();
	area = kho_restore_vmalloc(&blob->area);
	if (!area) {
		pr_err("FAILED: the vmalloc area was not restored\n");
		return 1;
	}
	kho_bench_result("restore_vmalloc_ms",
			 ktime_to_ms(ktime_sub(ktime_get(), t0)), "ms");
	for (i = 0; i < blob->vmalloc_pages; i++)
		if (*(u64 *)(area + i * PAGE_SIZE) != kho_bench_word(i))
			bad++;
	vfree(area);
	if (bad)
		pr_err("FAILED: %lu pages of the vmalloc area changed\n", bad);
	return bad;
}

/*
 * The time since kexec, by the TSC, which kexec does not reset; and when
 * kexec happened on this kernel's printk clock (a negative time: before
 * that clock started), so that the harness can time any line of the
 * console from kexec on.
 */
static void kho_bench_report_kexec(u64 tsc_at_kexec)
{
	u64 now_ns = local_clock(), since_us;

	since_us = div_u64((rdtsc() - tsc_at_kexec) * 1000, tsc_khz);
	kho_bench_result("blackout_ms", div_u64(since_us, 1000), "ms");
	pr_info("result kexec_clock_us %lld us\n",
		(s64)div_u64(now_ns, 1000) - (s64)since_us);
}

/* Stage 2. */
static int kho_bench_load(phys_addr_t phys)
{
	struct folio *blob_folio = kho_restore_folio(phys);
	struct kho_bench_blob *blob = phys_to_virt(phys);
	unsigned long n, bad;
	u64 *list;

	if (!blob_folio || blob->magic != KHO_BENCH_MAGIC) {
		pr_err("FAILED: the subtree is not a kho_bench blob\n");
		if (blob_folio)
			folio_put(blob_folio);
		return -EINVAL;
	}
	list = kho_restore_vmalloc(&blob->folios);
	if (!list && blob->nr_folios) {
		pr_err("FAILED: the folio list was not restored\n");
		folio_put(blob_folio);
		return -EINVAL;
	}
	/*
	 * Everything else first: a batch restore takes whatever is preserved
	 * in its address range, and only the folios should be left there.
	 */
	bad = kho_bench_restore_ranges(blob);
	bad += kho_bench_restore_area(blob);
	n = blob->nr_folios;
	bad += kho_bench_restore("restore_folio_1thread", list, n, 0, 1, false);
	bad += kho_bench_restore("restore_folio_2threads", list, n, 1, 2, false);
	if (KHO_BENCH_BATCH) {
		bad += kho_bench_restore("restore_batch_1thread", list, n, 2, 1, true);
		bad += kho_bench_restore("restore_batch_2threads", list, n, 3, 2, true);
	} else {
		bad += kho_bench_restore("restore_folio_1thread_b", list, n, 2, 1, false);
		bad += kho_bench_restore("restore_folio_2threads_b", list, n, 3, 2, false);
	}
	if (blob->tsc_at_kexec && tsc_khz)
		kho_bench_report_kexec(blob->tsc_at_kexec);
	vfree(list);
	folio_put(blob_folio);
	if (bad)
		return -EIO;
	pr_info("restore succeeded: %lu folios checked\n", n);
	return 0;
}

static int __init kho_bench_init(void)
{
	phys_addr_t phys;
	size_t size;
	int err;

	err = kho_retrieve_subtree(KHO_BENCH_SUBTREE, &phys, &size);
	if (!err)
		err = size == sizeof(struct kho_bench_blob) ?
		      kho_bench_load(phys) : -EINVAL;
	else if (err == -ENOENT)
		err = kho_bench_save();
	if (err)
		pr_err("FAILED: %d\n", err);
	/* Stage 2 has nothing to keep; stage 1 keeps its memory for kexec. */
	return 0;
}
module_init(kho_bench_init);

static void __exit kho_bench_exit(void)
{
	unregister_reboot_notifier(&kho_bench_reboot_nb);
}
module_exit(kho_bench_exit);

MODULE_DESCRIPTION("Kexec HandOver preserve and restore benchmark");
MODULE_LICENSE("GPL");
