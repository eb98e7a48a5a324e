// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of subtree removal: kho_remove_subtree() says when it could
 * not take a blob out of the handover instead of failing silently.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/kexec_handover.h>

#define KHO_SUBTREE_TEST_NAME "kunit-subtree"

static void kho_subtree_test_remove(struct kunit *test)
{
	void *blob;

	if (!kho_is_enabled()) {
		/* Nothing can be in a handover that does not exist. */
		KUNIT_EXPECT_EQ(test, kho_remove_subtree(test), -EINVAL);
		return;
	}
	blob = kho_alloc_preserve(PAGE_SIZE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(blob));

	KUNIT_EXPECT_EQ(test, kho_remove_subtree(blob), -ENOENT);
	KUNIT_ASSERT_EQ(test, kho_add_subtree(KHO_SUBTREE_TEST_NAME, blob,
					      PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, kho_remove_subtree(blob), 0);
	KUNIT_EXPECT_EQ(test, kho_remove_subtree(blob), -ENOENT);
	kho_unpreserve_free(blob);
}

static struct kunit_case kho_subtree_test_cases[] = {
	KUNIT_CASE(kho_subtree_test_remove),
	{}
};

static struct kunit_suite kho_subtree_test_suite = {
	.name = "kho_subtree",
	.test_cases = kho_subtree_test_cases,
};

kunit_test_suite(kho_subtree_test_suite);

MODULE_DESCRIPTION("KUnit tests for kexec handover subtrees");
MODULE_LICENSE("GPL");
