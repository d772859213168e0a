// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/vmem/share/: the sharing knobs (mirrors of the module
 * parameters) and counters. Process context.
 */
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/sysfs.h>

#include "share_internal.h"

/* Page-state counters are module/mm's, the scanner's are share_stats. */
#define SHARE_COUNTER(name, counter)					\
static ssize_t name##_show(struct kobject *k, struct kobj_attribute *a,\
			   char *buf)					\
{									\
	return sysfs_emit(buf, "%lld\n", atomic64_read(&counter));	\
}									\
static struct kobj_attribute share_attr_##name = __ATTR_RO(name)

SHARE_COUNTER(pages_shared, mm_stats.frames);
SHARE_COUNTER(pages_sharing, mm_stats.sharing);
SHARE_COUNTER(zero_pages, mm_stats.zero);
SHARE_COUNTER(hints, share_stats.hints);
SHARE_COUNTER(pages_scanned, share_stats.scanned);
SHARE_COUNTER(full_scans, share_stats.full_scans);
SHARE_COUNTER(cow_breaks, mm_stats.cow_breaks);
SHARE_COUNTER(hint_hits, share_stats.hint_hits);
SHARE_COUNTER(stale_hints, share_stats.stale_hints);
SHARE_COUNTER(collisions, share_stats.collisions);

/* Machine memory not spent thanks to sharing: every sharer beyond a
 * frame's first, and every zero page. */
static ssize_t bytes_saved_show(struct kobject *k, struct kobj_attribute *a,
				char *buf)
{
	s64 pages = atomic64_read(&mm_stats.sharing) -
		    atomic64_read(&mm_stats.frames) +
		    atomic64_read(&mm_stats.zero);

	return sysfs_emit(buf, "%lld\n", max_t(s64, pages, 0) * PAGE_SIZE);
}
static struct kobj_attribute share_attr_bytes_saved = __ATTR_RO(bytes_saved);

#define SHARE_KNOB(name, var, max)					\
static ssize_t name##_show(struct kobject *k, struct kobj_attribute *a,\
			   char *buf)					\
{									\
	return sysfs_emit(buf, "%u\n", (unsigned int)READ_ONCE(var));	\
}									\
static ssize_t name##_store(struct kobject *k, struct kobj_attribute *a,\
			    const char *buf, size_t count)		\
{									\
	unsigned int v;							\
	int r = kstrtouint(buf, 0, &v);					\
									\
	if (r)								\
		return r;						\
	if (v > (max))							\
		return -EINVAL;						\
	WRITE_ONCE(var, v);						\
	share_wake();							\
	return count;							\
}									\
static struct kobj_attribute share_attr_##name = __ATTR_RW(name)

SHARE_KNOB(enabled, share_enabled, 1);
SHARE_KNOB(scan_rate, share_scan_rate, 10000000);
SHARE_KNOB(vm_scan_rate, share_vm_scan_rate, 10000000);
SHARE_KNOB(zero_across_salts, share_zero_across_salts, 1);
SHARE_KNOB(debug_hash_bits, share_debug_hash_bits, 63);

static struct attribute *share_attrs[] = {
	&share_attr_enabled.attr,
	&share_attr_scan_rate.attr,
	&share_attr_vm_scan_rate.attr,
	&share_attr_zero_across_salts.attr,
	&share_attr_debug_hash_bits.attr,
	&share_attr_pages_shared.attr,
	&share_attr_pages_sharing.attr,
	&share_attr_zero_pages.attr,
	&share_attr_hints.attr,
	&share_attr_pages_scanned.attr,
	&share_attr_full_scans.attr,
	&share_attr_cow_breaks.attr,
	&share_attr_hint_hits.attr,
	&share_attr_stale_hints.attr,
	&share_attr_collisions.attr,
	&share_attr_bytes_saved.attr,
	NULL,
};

const struct attribute_group share_attr_group = {
	.name = "share",
	.attrs = share_attrs,
};
